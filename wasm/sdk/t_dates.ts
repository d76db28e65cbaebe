// RFC 3339 UTC instants ("2026-02-15T00:00:00Z", fractional seconds allowed)
// as calendar parts and day numbers, for transformers that compare a fact's
// date with the period (tax rate windows, introductory periods). No clock: the
// only "now" is context.period.

import { Fields } from "./fields";

export class CalendarInstant {
  constructor(
    public year: i32,
    public month: i32,
    public day: i32,
    /** Seconds since midnight UTC. */
    public second: i32,
    /** Fractional seconds in nanoseconds. */
    public nano: i32,
  ) {}

  /** Days since 1970-01-01 of the instant's UTC date. */
  get days(): i64 {
    return civilDays(this.year, this.month, this.day);
  }

  /** -1, 0 or 1 in time order. */
  cmp(other: CalendarInstant): i32 {
    const a = this.days;
    const b = other.days;
    if (a != b) return a < b ? -1 : 1;
    if (this.second != other.second) return this.second < other.second ? -1 : 1;
    if (this.nano != other.nano) return this.nano < other.nano ? -1 : 1;
    return 0;
  }

  /** "YYYY-MM-DDTHH:MM:SS(.f{1,9})?Z" on a real calendar day, or null. */
  static parse(text: string): CalendarInstant | null {
    const n = text.length;
    if (n < 20 || text.charCodeAt(n - 1) != 0x5a) return null; // Z
    const year = digits(text, 0, 4);
    const month = digits(text, 5, 2);
    const day = digits(text, 8, 2);
    const hour = digits(text, 11, 2);
    const minute = digits(text, 14, 2);
    const second = digits(text, 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > monthDays(year, month)) return null;
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return null;
    if (text.charCodeAt(4) != 0x2d || text.charCodeAt(7) != 0x2d || text.charCodeAt(10) != 0x54) return null;
    if (text.charCodeAt(13) != 0x3a || text.charCodeAt(16) != 0x3a) return null;
    let nano = 0;
    if (n > 20) {
      const places = n - 21;
      if (text.charCodeAt(19) != 0x2e || places < 1 || places > 9) return null;
      nano = digits(text, 20, places);
      if (nano < 0) return null;
      for (let i = places; i < 9; i++) nano *= 10;
    }
    return new CalendarInstant(year, month, day, hour * 3600 + minute * 60 + second, nano);
  }
}

// The value of `count` decimal digits at `start`, or -1 when one is not a digit.
function digits(text: string, start: i32, count: i32): i32 {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    value = value * 10 + c;
  }
  return value;
}

function monthDays(year: i32, month: i32): i32 {
  if (month == 2) return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28;
  return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date. */
export function civilDays(year: i32, month: i32, day: i32): i64 {
  const y = <i64>(month <= 2 ? year - 1 : year);
  const era = (y >= 0 ? y : y - 399) / 400;
  const yoe = y - era * 400;
  const mp = <i64>((month + 9) % 12);
  const doy = (153 * mp + 2) / 5 + <i64>day - 1;
  const doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/** Reads an instant field; a malformed one records "<path>: must be an RFC 3339 UTC instant". */
export function readCalendarInstant(fields: Fields, key: string): CalendarInstant | null {
  const text = fields.string(key);
  if (fields.failure.failed) return null;
  const parsed = CalendarInstant.parse(text);
  if (parsed == null) fields.fail(key, "must be an RFC 3339 UTC instant like \"2026-02-15T00:00:00Z\"");
  return parsed;
}
