// Instants for producers that compare or shift them (bucket-overage: rollover lots and their expiry).
//
// The contract's one text form of an instant is RFC 3339 in UTC with a Z suffix and optional
// fractional seconds: "2026-03-01T00:00:00Z", "2026-03-01T00:00:00.5Z". Years 0000-9999.

import { addI64, mulI64 } from "./checked";

/** A point in time: whole seconds since 1970-01-01T00:00:00Z and nanoseconds (0-999999999). */
export class Instant {
  constructor(public readonly seconds: i64, public readonly nanos: i32) {}

  /** -1, 0 or 1. */
  cmp(other: Instant): i32 {
    if (this.seconds != other.seconds) return this.seconds < other.seconds ? -1 : 1;
    return this.nanos < other.nanos ? -1 : this.nanos > other.nanos ? 1 : 0;
  }

  plusSeconds(seconds: i64): Instant {
    return new Instant(addI64(this.seconds, seconds), this.nanos);
  }
}

/** The instant `text` names, or null unless it is "YYYY-MM-DDTHH:MM:SS(.f{1,9})?Z" on a real calendar day. */
export function parseInstant(text: string): Instant | null {
  const n = text.length;
  if (n < 20 || text.charCodeAt(n - 1) != 90 /* Z */) return null;
  if (text.charCodeAt(4) != 45 || text.charCodeAt(7) != 45 || text.charCodeAt(10) != 84 ||
      text.charCodeAt(13) != 58 || text.charCodeAt(16) != 58) return null;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return null;
  let nanos: i32 = 0;
  if (n != 20) {
    const places = n - 21; // between "." at 19 and the final "Z"
    if (text.charCodeAt(19) != 46 || places < 1 || places > 9) return null;
    const fraction = digits(text, 20, places);
    if (fraction < 0) return null;
    nanos = fraction;
    for (let i = places; i < 9; i++) nanos *= 10;
  }
  const days = daysFromCivil(year, month, day);
  const seconds = addI64(mulI64(days, 86400), <i64>(hour * 3600 + minute * 60 + second));
  return new Instant(seconds, nanos);
}

/**
 * `text` (a valid instant) moved `months` calendar months later, the day clamped to the month's last
 * day and the time of day kept as written: ("2026-01-31T05:00:00Z", 1) -> "2026-02-28T05:00:00Z".
 * null when the year would pass 9999.
 */
export function addMonths(text: string, months: i32): string | null {
  const total = <i64>digits(text, 0, 4) * 12 + <i64>(digits(text, 5, 2) - 1) + <i64>months;
  const year = <i32>(total / 12);
  const month = <i32>(total % 12) + 1;
  if (total < 0 || year > 9999) return null;
  const day = min(digits(text, 8, 2), daysInMonth(year, month));
  return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + text.substring(10);
}

export function daysInMonth(year: i32, month: i32): i32 {
  if (month == 2) return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
  return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (years 0-9999). */
function daysFromCivil(year: i32, month: i32, day: i32): i64 {
  const y: i64 = <i64>(month <= 2 ? year - 1 : year);
  const era: i64 = (y >= 0 ? y : y - 399) / 400;
  const yoe: i64 = y - era * 400;
  const mp: i64 = <i64>(month > 2 ? month - 3 : month + 9);
  const doy: i64 = (153 * mp + 2) / 5 + <i64>(day - 1);
  const doe: i64 = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/** The value of `count` ASCII digits at `from`, or -1 when any of them is not a digit. */
function digits(text: string, from: i32, count: i32): i32 {
  let value: i32 = 0;
  for (let i = from; i < from + count; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    value = value * 10 + (c - 48);
  }
  return value;
}

function pad(value: i32, width: i32): string {
  const text = value.toString();
  return text.length >= width ? text : "0".repeat(width - text.length) + text;
}
