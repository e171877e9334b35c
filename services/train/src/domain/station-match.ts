/** Finds a station by what a person typed: its code, name or a known alias, ignoring case and spacing. */

export interface NamedStation {
  code: string;
  name: string;
  aliases?: readonly string[];
}

export function normalizeStationQuery(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toLowerCase();
}

export function matchStation<S extends NamedStation>(stations: readonly S[], text: string): S | undefined {
  const wanted = normalizeStationQuery(text);
  if (wanted === '') return undefined;
  return (
    stations.find((s) => s.code.toLowerCase() === wanted) ??
    stations.find((s) => normalizeStationQuery(s.name) === wanted) ??
    stations.find((s) => (s.aliases ?? []).some((a) => normalizeStationQuery(a) === wanted))
  );
}
