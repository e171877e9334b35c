/**
 * Payment instruments, validated before anything reaches the provider: card numbers (Luhn, brand), expiry
 * (not in the past), CVC, and Bangladeshi mobile-wallet numbers and PINs. Pure: the clock is passed in.
 * The full card number lives only in the returned value for the provider call; only brand and last four
 * digits are meant to be stored.
 */
import { ValidationError } from '@rail/errors';
import type { PaymentMethod, VerifyPaymentBody } from '@rail/contracts/payment';

export type CardBrand = 'visa' | 'mastercard' | 'amex' | 'unionpay' | 'unknown';

export interface CardInstrument {
  method: 'card';
  number: string;
  brand: CardBrand;
  last4: string;
  expiryMonth: number;
  expiryYear: number;
  cvc: string;
}

export interface WalletInstrument {
  method: 'bkash' | 'nagad';
  /** National format 01XXXXXXXXX. */
  number: string;
  last4: string;
  pin: string;
}

export type Instrument = CardInstrument | WalletInstrument;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length > 0 && sum % 10 === 0;
}

export function cardBrand(digits: string): CardBrand {
  if (/^4/.test(digits)) return 'visa';
  const first4 = Number(digits.slice(0, 4));
  if (/^5[1-5]/.test(digits) || (first4 >= 2221 && first4 <= 2720)) return 'mastercard';
  if (/^3[47]/.test(digits)) return 'amex';
  if (/^62/.test(digits)) return 'unionpay';
  return 'unknown';
}

function parseCard(body: VerifyPaymentBody, now: Date): CardInstrument {
  if (body.cardNumber === undefined) throw ValidationError.field('body.cardNumber', 'is required for card payments');
  if (body.expiry === undefined) throw ValidationError.field('body.expiry', 'is required for card payments');
  if (body.cvc === undefined) throw ValidationError.field('body.cvc', 'is required for card payments');

  const number = body.cardNumber.replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(number) || !luhnValid(number)) {
    throw ValidationError.field('body.cardNumber', 'is not a valid card number', 'CARD_NUMBER_INVALID');
  }
  const brand = cardBrand(number);

  const expiry = /^(\d{2})\s*\/\s*(\d{2}|\d{4})$/.exec(body.expiry.trim());
  const month = Number(expiry?.[1]);
  if (!expiry || month < 1 || month > 12) {
    throw ValidationError.field('body.expiry', 'must be MM/YY', 'CARD_EXPIRY_INVALID');
  }
  const yearText = expiry[2] ?? '';
  const year = yearText.length === 2 ? 2000 + Number(yearText) : Number(yearText);
  // A card is valid through the last day of its expiry month.
  const endOfMonth = Date.UTC(year, month, 1);
  if (endOfMonth <= now.getTime()) throw ValidationError.field('body.expiry', 'the card has expired', 'CARD_EXPIRED');
  if (year > now.getUTCFullYear() + 20)
    throw ValidationError.field('body.expiry', 'is too far in the future', 'CARD_EXPIRY_INVALID');

  const cvcLength = brand === 'amex' ? 4 : 3;
  if (!new RegExp(`^\\d{${cvcLength}}$`).test(body.cvc)) {
    throw ValidationError.field('body.cvc', `must be ${cvcLength} digits`, 'CARD_CVC_INVALID');
  }
  return { method: 'card', number, brand, last4: number.slice(-4), expiryMonth: month, expiryYear: year, cvc: body.cvc };
}

/** Bangladeshi mobile numbers: 01 + operator digit 3-9 + 8 digits, optionally with +88 / 88. */
export function normaliseBdMobile(input: string): string | null {
  const compact = input.replace(/[\s-]/g, '');
  const m = /^(?:\+?88)?(01[3-9]\d{8})$/.exec(compact);
  return m?.[1] ?? null;
}

function parseWallet(method: 'bkash' | 'nagad', body: VerifyPaymentBody): WalletInstrument {
  if (body.walletNumber === undefined) throw ValidationError.field('body.walletNumber', `is required for ${method} payments`);
  const number = normaliseBdMobile(body.walletNumber);
  if (number === null) {
    throw ValidationError.field('body.walletNumber', 'is not a valid Bangladeshi mobile number', 'WALLET_NUMBER_INVALID');
  }
  if (body.pin === undefined) throw ValidationError.field('body.pin', `is required for ${method} payments`);
  if (!/^\d{4,5}$/.test(body.pin)) throw ValidationError.field('body.pin', 'must be 4 or 5 digits', 'WALLET_PIN_INVALID');
  return { method, number, last4: number.slice(-4), pin: body.pin };
}

/** Validates the instrument fields of a verify request for its method; throws a 400 naming the field. */
export function parseInstrument(body: VerifyPaymentBody, now: Date): Instrument {
  const method: PaymentMethod = body.method;
  const foreign =
    method === 'card'
      ? (['walletNumber', 'pin'] as const).find((f) => body[f] !== undefined)
      : (['cardNumber', 'expiry', 'cvc'] as const).find((f) => body[f] !== undefined);
  if (foreign !== undefined) throw ValidationError.field(`body.${foreign}`, `is not allowed for ${method} payments`);
  return method === 'card' ? parseCard(body, now) : parseWallet(method, body);
}
