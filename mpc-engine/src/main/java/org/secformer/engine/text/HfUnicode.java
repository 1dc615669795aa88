package org.secformer.engine.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The character classes that Hugging Face tokenizers (Rust 0.21) uses in BertNormalizer and BertPreTokenizer.
 *
 * <p>These are not Java's: the Rust crate {@code unicode_categories} has Unicode 8.0 tables (so, e.g., U+2E43
 * is not punctuation and U+08E2 is not removed by clean_text there), while Rust's {@code char::to_lowercase}
 * knows Unicode 16 and Java 17 knows Unicode 13. The category sets are therefore read from
 * {@code hf-bert-unicode.txt}, generated from the Rust library itself ({@code HfUnicodeTableGenerator}), and do
 * not depend on the JVM's Unicode version. Lower-casing is Java's plus the listed exceptions; NFD is
 * {@link java.text.Normalizer}'s except for the listed code points. {@code HfUnicodeExhaustiveTest} checks every
 * code point against the Rust library.
 *
 * <ul>
 *   <li>{@link #REMOVED}: dropped by clean_text ({@code is_control}: Cc, Cf, Co, Cs except \t \n \r; U+0000;
 *       U+FFFD).
 *   <li>{@link #WHITESPACE}: Rust {@code char::is_whitespace}, the Unicode White_Space property.
 *   <li>{@link #PUNCTUATION}: ASCII punctuation (symbols included) or a Unicode 8.0 P* category.
 *   <li>{@link #CHINESE}: the CJK ranges of {@code is_chinese_char} in tokenizers' bert.rs.
 *   <li>{@link #MARK}: Unicode 8.0 category Mn, dropped by strip_accents after NFD.
 *   <li>{@link #LOWER_EXCEPTION}, {@link #NFD_KEEP}: see {@link #toLowerCase} and {@link #nfdKeeps}.
 * </ul>
 */
final class HfUnicode {
  static final int REMOVED = 1;
  static final int WHITESPACE = 2;
  static final int PUNCTUATION = 4;
  static final int CHINESE = 8;
  static final int MARK = 16;
  static final int LOWER_EXCEPTION = 32;
  static final int NFD_KEEP = 64;

  static final String RESOURCE = "hf-bert-unicode.txt";

  private static final byte[] BMP = new byte[0x10000];
  /** Supplementary ranges: parallel sorted arrays of start, end (inclusive) and flag. */
  private static final int[] SUP_START;
  private static final int[] SUP_END;
  private static final byte[] SUP_FLAG;
  private static final Map<Integer, Integer> LOWER = new HashMap<>();

  static {
    List<int[]> sup = new ArrayList<>();
    try (InputStream in = HfUnicode.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCE);
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.trim().split(" +");
        int flag = switch (f[0]) {
          case "removed" -> REMOVED;
          case "punct" -> PUNCTUATION;
          case "mark" -> MARK;
          case "lower" -> LOWER_EXCEPTION;
          case "nfdkeep" -> NFD_KEEP;
          default -> throw new IllegalStateException(RESOURCE + ": unknown line " + line);
        };
        for (int i = 1; i < f.length; i++) {
          int start;
          int end;
          if (flag == LOWER_EXCEPTION) {
            int gt = f[i].indexOf('>');
            start = end = Integer.parseInt(f[i].substring(0, gt), 16);
            LOWER.put(start, Integer.parseInt(f[i].substring(gt + 1), 16));
          } else {
            int dash = f[i].indexOf('-');
            start = Integer.parseInt(dash < 0 ? f[i] : f[i].substring(0, dash), 16);
            end = dash < 0 ? start : Integer.parseInt(f[i].substring(dash + 1), 16);
          }
          for (int cp = start; cp <= Math.min(end, 0xFFFF); cp++) {
            BMP[cp] |= (byte) flag;
          }
          if (end > 0xFFFF) {
            sup.add(new int[] {Math.max(start, 0x10000), end, flag});
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + RESOURCE, e);
    }
    for (int cp = 0; cp < 0x10000; cp++) {
      if (isWhiteSpaceProperty(cp)) {
        BMP[cp] |= WHITESPACE;
      }
      if (isChineseChar(cp)) {
        BMP[cp] |= CHINESE;
      }
      if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
        BMP[cp] |= REMOVED; // category Cs; a lone surrogate never reaches the Rust library
      }
    }
    // flatten the (possibly overlapping) supplementary ranges into disjoint ones with OR-ed flags
    java.util.TreeSet<Integer> cuts = new java.util.TreeSet<>();
    for (int[] r : sup) {
      cuts.add(r[0]);
      cuts.add(r[1] + 1);
    }
    List<int[]> flat = new ArrayList<>();
    Integer prev = null;
    for (int cut : cuts) {
      if (prev != null) {
        int f = 0;
        for (int[] r : sup) {
          if (r[0] <= prev && prev <= r[1]) {
            f |= r[2];
          }
        }
        if (f != 0) {
          flat.add(new int[] {prev, cut - 1, f});
        }
      }
      prev = cut;
    }
    SUP_START = flat.stream().mapToInt(a -> a[0]).toArray();
    SUP_END = flat.stream().mapToInt(a -> a[1]).toArray();
    SUP_FLAG = new byte[flat.size()];
    for (int i = 0; i < SUP_FLAG.length; i++) {
      SUP_FLAG[i] = (byte) flat.get(i)[2];
    }
  }

  private HfUnicode() {}

  /** The class bits of a code point. */
  static int flags(int cp) {
    if (cp < 0x10000) {
      return BMP[cp];
    }
    int f = isChineseChar(cp) ? CHINESE : 0;
    int i = upperBound(cp) - 1;
    return i >= 0 && cp <= SUP_END[i] ? f | SUP_FLAG[i] : f;
  }

  /** Index of the first range starting after cp. */
  private static int upperBound(int cp) {
    int lo = 0;
    int hi = SUP_START.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (SUP_START[mid] <= cp) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  static boolean isWhitespace(int cp) {
    return (flags(cp) & WHITESPACE) != 0;
  }

  static boolean isPunctuation(int cp) {
    return (flags(cp) & PUNCTUATION) != 0;
  }

  /** Unicode White_Space (what Rust's {@code char::is_whitespace} tests); differs from Java's isWhitespace. */
  static boolean isWhiteSpaceProperty(int cp) {
    return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
        || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F
        || cp == 0x3000;
  }

  /** The ranges of tokenizers' {@code is_chinese_char} (note 0x2B920, not BERT-Python's 0x2B820). */
  static boolean isChineseChar(int cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
        || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F)
        || (cp >= 0x2B920 && cp <= 0x2CEAF) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
  }

  /**
   * Rust's {@code char::to_lowercase} of one code point when that is one code point; U+0130 (the only code point
   * that lower-cases to two: i + U+0307) is handled by the caller. Unlike {@code String.toLowerCase} there is no
   * final-sigma or locale rule.
   */
  static int toLowerCase(int cp) {
    if ((flags(cp) & LOWER_EXCEPTION) != 0) {
      return LOWER.get(cp);
    }
    return Character.toLowerCase(cp);
  }

  /** Whether the reference leaves {@code cp} alone where {@link java.text.Normalizer} decomposes it. */
  static boolean nfdKeeps(int cp) {
    return (flags(cp) & NFD_KEEP) != 0;
  }
}
