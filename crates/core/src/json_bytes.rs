//! The bytes a JSON string cannot hold as they are (`"`, `\` and control characters), found
//! sixteen at a time (eight for a short string). The fast document reader stops its strings
//! at them; the report writers escape them (JSON strings are escaped here, for the CLI's
//! reports and the findings' JSON alike); and numbers in decimal, which all write for every
//! document.

use wide::u8x16;

/// A `"`, a `\` or a control character.
#[inline]
pub fn is_special(b: u8) -> bool {
    b == b'"' || b == b'\\' || b < 0x20
}

/// The high bit of each of the 8 bytes of `w` (little-endian) that [`is_special`], exact up
/// to and including the first such byte (the classic "has a zero byte" and "has a byte less
/// than n" bit tricks; bytes after the first may be marked wrongly). Zero exactly when none
/// is special.
#[inline]
pub fn special_bytes(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let control = w.wrapping_sub(ONES * 0x20) & !w;
    let q = w ^ (ONES * u64::from(b'"'));
    let quote = q.wrapping_sub(ONES) & !q;
    let b = w ^ (ONES * u64::from(b'\\'));
    let backslash = b.wrapping_sub(ONES) & !b;
    (control | quote | backslash) & HIGH
}

/// The special bytes of a 16-byte chunk as a bit mask (bit `i` for byte `i`): one vector
/// compare for each kind (`wide` gives SSE2 on x86_64, NEON on aarch64, plain code elsewhere).
#[inline]
fn special_mask(chunk: &[u8; 16]) -> u32 {
    let v = u8x16::new(*chunk);
    let control = v.min(u8x16::splat(0x1f)).cmp_eq(v);
    let quote = v.cmp_eq(u8x16::splat(b'"'));
    let backslash = v.cmp_eq(u8x16::splat(b'\\'));
    // The mask holds 16 bits, so the cast keeps them all.
    (control | quote | backslash).move_mask() as u32
}

/// Where the first special byte of `bytes` is: sixteen bytes at a time, the last sixteen
/// overlapping those before (already known plain, so the first byte marked is a real one).
#[inline]
pub fn first_special(bytes: &[u8]) -> Option<usize> {
    let n = bytes.len();
    if n < 16 {
        if n < 8 {
            return bytes.iter().position(|&b| is_special(b));
        }
        // Two words, the second overlapping the first.
        let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8"));
        let at_bit = |base: usize, bits: u64| base + (bits.trailing_zeros() / 8) as usize;
        let lo = special_bytes(word(0));
        if lo != 0 {
            return Some(at_bit(0, lo));
        }
        let hi = special_bytes(word(n - 8));
        return (hi != 0).then(|| at_bit(n - 8, hi));
    }
    let mut at = 0;
    for chunk in bytes.chunks_exact(16) {
        let mask = special_mask(chunk.try_into().expect("16 bytes"));
        if mask != 0 {
            return Some(at + mask.trailing_zeros() as usize);
        }
        at += 16;
    }
    if at < n {
        let mask = special_mask(bytes[n - 16..].try_into().expect("16 bytes"));
        if mask != 0 {
            return Some(n - 16 + mask.trailing_zeros() as usize);
        }
    }
    None
}

/// What a byte becomes inside a JSON string: 0 = itself, `u` = `\u00XX`, else `\` + it.
const ESCAPE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b'u';
        b += 1;
    }
    table[0x08] = b'b';
    table[0x09] = b't';
    table[0x0a] = b'n';
    table[0x0c] = b'f';
    table[0x0d] = b'r';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

/// Appends `s` as a JSON string, with the escapes `serde_json` uses (`\"`, `\\`, `\b`, `\t`,
/// `\n`, `\f`, `\r`, other control characters as `\u00xx`; everything else as is).
#[inline]
pub fn escape_into(out: &mut Vec<u8>, s: &str) {
    out.reserve(s.len() + 2);
    out.push(b'"');
    escape_inner(out, s);
    out.push(b'"');
}

/// Appends `s` as a JSON string ([`escape_into`]), or `null`.
#[inline]
pub fn escape_opt_into(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => escape_into(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

/// Appends `s` escaped as the inside of a JSON string, without the quotes: for a string
/// written piece by piece.
pub fn escape_inner(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    // Most strings need no escape at all; the others a few: the plain runs between them are
    // found a vector at a time and copied whole.
    let mut start = 0;
    while let Some(k) = first_special(&bytes[start..]) {
        let i = start + k;
        out.extend_from_slice(&bytes[start..i]);
        let byte = bytes[i];
        match ESCAPE[byte as usize] {
            b'u' => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(&[
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[(byte >> 4) as usize],
                    HEX[(byte & 0xf) as usize],
                ]);
            }
            escape => out.extend_from_slice(&[b'\\', escape]),
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

/// The two decimal digits of `n` (0–99), for clocks and dates written by hand.
#[inline]
pub fn two_digits(n: u32) -> [u8; 2] {
    debug_assert!(n < 100, "two digits");
    [b'0' + (n / 10) as u8, b'0' + (n % 10) as u8]
}

/// `date` as `YYYY-MM-DD`, as jiff displays it, for years 0–9999 (`None` for the others,
/// which jiff writes with a sign and six digits): reports write dates for every finding
/// and every document, and the formatting machinery costs many times this.
#[inline]
pub fn date_digits(date: jiff::civil::Date) -> Option<[u8; 10]> {
    let y = u32::try_from(date.year()).ok().filter(|&y| y <= 9999)?;
    let (c, yy) = (two_digits(y / 100), two_digits(y % 100));
    let (m, d) = (
        two_digits(date.month() as u32),
        two_digits(date.day() as u32),
    );
    Some([c[0], c[1], yy[0], yy[1], b'-', m[0], m[1], b'-', d[0], d[1]])
}

/// Appends `date` as a JSON string, `"YYYY-MM-DD"` as jiff displays it.
pub fn push_date_json(out: &mut Vec<u8>, date: jiff::civil::Date) {
    match date_digits(date) {
        Some(digits) => {
            out.push(b'"');
            out.extend_from_slice(&digits);
            out.push(b'"');
        }
        None => out.extend_from_slice(format!("\"{date}\"").as_bytes()),
    }
}

/// Appends `ascii` (digits, a clock: bytes below 0x80) to `out`.
///
/// A few bytes each, very many of them in a large batch: pushed one by one, which for an
/// ASCII character is a byte pushed. Checking the bytes as UTF-8 (`push_str`) costs a call
/// and a copy, `String::extend` with characters several times that.
#[inline]
pub fn push_ascii(out: &mut String, ascii: &[u8]) {
    debug_assert!(ascii.is_ascii(), "ASCII only");
    out.reserve(ascii.len());
    for &b in ascii {
        out.push(char::from(b));
    }
}

/// `n` in decimal, appended to `out`.
#[inline]
pub fn push_decimal(out: &mut String, n: u64) {
    let mut digits = [0u8; 20];
    push_ascii(out, decimal(n, &mut digits));
}

/// `n` in decimal (ASCII digits), written into the end of `digits` (without the formatting
/// machinery: reports print a line number or a count for every document, messages name
/// windows by index).
#[inline]
pub fn decimal(n: u64, digits: &mut [u8; 20]) -> &[u8] {
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    &digits[i..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_special_byte_of_a_word_is_found_in_any_position() {
        let plain: Vec<u8> = (0x20u8..=0xff).filter(|&b| !is_special(b)).collect();
        for special in (0u8..=0xff).filter(|&b| is_special(b)) {
            for at in 0..8 {
                // Any bytes before it, and anything (special or not) after it.
                for (k, &filler) in plain.iter().enumerate() {
                    let mut block = [filler; 8];
                    block[at] = special;
                    for after in at + 1..8 {
                        block[after] = [b'"', 0x01, filler][(k + after) % 3];
                    }
                    let found = special_bytes(u64::from_le_bytes(block));
                    assert_eq!(found.trailing_zeros() / 8, at as u32, "{block:?}");
                }
            }
        }
        for &b in &plain {
            assert_eq!(special_bytes(u64::from_le_bytes([b; 8])), 0, "{b}");
        }
    }

    /// Dates come out as jiff displays them, in JSON quotes.
    #[test]
    fn dates_are_written_as_jiff_displays_them() {
        let mut date = jiff::civil::date(-9999, 1, 1);
        while date < jiff::civil::date(9997, 1, 1) {
            let mut out = Vec::new();
            push_date_json(&mut out, date);
            assert_eq!(String::from_utf8(out).unwrap(), format!("\"{date}\""));
            date = date.checked_add(jiff::Span::new().days(997)).unwrap();
        }
    }

    /// The first special byte is found wherever it is, in texts of every length.
    #[test]
    fn the_first_special_byte_of_a_text_is_found_in_any_position() {
        for len in 0..72 {
            let plain = "é".repeat(len / 2) + &"a".repeat(len % 2);
            assert_eq!(first_special(plain.as_bytes()), None, "{plain:?}");
            for at in 0..plain.len() {
                for special in [b'"', b'\\', 0x01, 0x1f, b'\n'] {
                    let mut bytes = plain.as_bytes().to_vec();
                    bytes[at] = special;
                    assert_eq!(first_special(&bytes), Some(at), "{bytes:?}");
                }
            }
        }
    }
}
