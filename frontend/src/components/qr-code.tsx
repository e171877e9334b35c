/** Renders a booking's QR payload as an SVG (the `qrcode` library), crisp at any size and printable. */
import { useEffect, useState } from 'react';

export function QrCode({ payload, label }: { payload: string; label: string }) {
  const [svg, setSvg] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    // Loaded on demand: only the ticket page needs it, so it stays out of the first download.
    import('qrcode')
      .then((QRCode) => QRCode.toString(payload, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 }))
      .then((s) => live && setSvg(s))
      .catch(() => live && setSvg(null));
    return () => {
      live = false;
    };
  }, [payload]);
  if (!svg) return <div className="qr qr-placeholder" aria-hidden="true" />;
  return <img className="qr" src={`data:image/svg+xml;utf8,${encodeURIComponent(svg)}`} alt={label} width={192} height={192} />;
}
