package org.secformer.engine.text;

import java.util.ArrayList;
import java.util.List;

/** Hand-written texts that stress normalization, pre-tokenization and WordPiece. */
final class HardCases {
  private HardCases() {}

  static List<String> all() {
    List<String> t = new ArrayList<>(List.of(
        // plain, and the documented DJL example
        "Hello world, unbelievably good!",
        "The quick brown fox jumps over the lazy dog.",
        // accents
        "Café crème brûlée à la mode",
        "Niño, señor, mañana, ÑANDÚ",
        "Über Müller's Grüße, ÄÖÜ äöü",
        "Ångström Å å Øresund Æsir",
        "ÉCOLE ÉLÉMENTAIRE, naïve façade, coöperate",
        "Tiếng Việt có dấu: Hà Nội, Đà Nẵng",
        "İstanbul ıiİI Iİ",
        "STRASSE Straße ß ẞ",
        // combining marks (decomposed input, stacked marks, a leading mark, zalgo)
        "Cafe\u0301 cre\u0300me",
        "a\u0308\u0304 o\u0328\u0301 n\u0303",
        "\u0301leading mark and \u0301 alone",
        "Z\u0351\u036B\u0343\u036A\u0302\u036B\u033D\u034F\u0334\u0319\u0324\u031E\u0349\u035A\u032F\u031E\u0320\u034D"
            + "A\u0360\u0361L\u0489G\u0338O\u0335\u0321",
        "e\u20DD enclosed, a\u0903 spacing mark",
        // CJK
        "我爱北京天安门",
        "日本語のテキストです。カタカナ、ひらがな！",
        "한국어 텍스트입니다",
        "中文，标点！混合English词汇和123数字",
        "\uD840\uDC00\uD840\uDC01 ext-B \uD86E\uDC20 ext-F edge \uD86E\uDD20",
        "\uF900\uF901\uFA30 compatibility ideographs \uD87E\uDC00",
        "\u2F00 kangxi \u3105 bopomofo \u31C0 strokes",
        // emoji
        "I love it 😍🔥💯",
        "👨‍👩‍👧‍👦 family, 👩🏽‍💻 coder",
        "👍🏽 👍🏿 thumbs, 🏳️‍🌈 flag, ❤️ heart",
        "🇺🇸🇩🇪🇯🇵 flags, 1️⃣ #️⃣ keycaps",
        "emoji☺inside☀words",
        // controls
        "tab\there\nnew\r\nline",
        "bell\u0007char null\u0000byte",
        "\u001B[31mred\u001B[0m",
        "del\u007Fchar \u0085next line \u008Dctl",
        "form\u000Cfeed\u000Bvtab",
        "\u001C\u001D\u001E\u001F separators",
        // zero-width and format characters
        "zero\u200Bwidth space",
        "zwj\u200Djoiner zwnj\u200Cnon",
        "bom\uFEFFtext \uFEFF",
        "soft\u00ADhyphen",
        "word\u2060joiner \u2066isolate\u2069 \u202Eoverride\u202C",
        "\u061Carabic letter mark \u180Emongolian",
        // unusual whitespace
        "nbsp\u00A0here em\u2003space thin\u2009space",
        "ideographic\u3000space line\u2028sep para\u2029sep",
        "narrow\u202Fnbsp medium\u205Fspace ogham\u1680mark",
        // noncharacters, replacement char, private use
        "\uFFFE\uFFFF noncharacters",
        "replacement \uFFFD char \uFFFDinside\uFFFD",
        "private \uE000\uF8FF use \uDB80\uDC00",
        // very long words
        "a".repeat(100),
        "a".repeat(101),
        "x".repeat(250) + " short",
        "supercalifragilisticexpialidocious".repeat(3),
        "supercalifragilisticexpialidocious".repeat(4),
        "\u00E9".repeat(100) + " " + "\u00E9".repeat(101),
        "e\u0301".repeat(60),
        "😀".repeat(60) + " " + "😀".repeat(101),
        "pneumonoultramicroscopicsilicovolcanoconiosis antidisestablishmentarianism",
        // URLs and addresses
        "https://www.example.com/path/to/page?query=1&x=%20y#frag",
        "mailto:john.doe+spam@example.org",
        "www.spamassassin.org ftp://ftp.kernel.org/pub/linux/",
        "<http://lists.sourceforge.net/lists/listinfo/spamassassin-talk>",
        // numbers with punctuation
        "$1,234.56 €99,99 £5 ¥1000",
        "3.14159 1e-10 -42 +1 (555) 123-4567",
        "50% 12:30pm 2002-08-21T10:54:46-0500",
        "1/2 ½ ¾ ① ② Ⅻ ⅻ",
        "٣٤٥ ١٢ Arabic-Indic, १२३ Devanagari, ๑๒๓ Thai digits",
        // repeated punctuation
        "!!!???...",
        "Wait..... what?!?! Really???",
        "----====----____****",
        "(((nested))) [[[brackets]]] {{{braces}}}",
        "«quoted» „German“ ‘single’ “double”",
        "… —— –– ‐ ‒ ― ⁂ ※ ¿¡",
        "~tilde `backtick ^caret |pipe \\backslash",
        // empty and whitespace only
        "",
        " ",
        "\t\n  \r\n",
        "\u3000\u00A0\u2003",
        "\u200B\u200B",
        // mixed scripts
        "Привет, мир! Как дела? ЁЖИК ёжик",
        "Γειά σου Κόσμε! ΣΊΣΥΦΟΣ, Άργος, ΐ ΰ",
        "مرحبا بالعالم! كيف حالك؟",
        "نَصٌّ عَرَبِيٌّ مُشَكَّلٌ",
        "नमस्ते दुनिया। हिन्दी में लिखा गया पाठ",
        "क्षत्रिय ज्ञान श्री",
        "สวัสดีครับ ภาษาไทย",
        "שָׁלוֹם עוֹלָם",
        "Բարեւ Ձեզ, გამარჯობა, ሰላም",
        "ᏣᎳᎩ ꭰꭱ Cherokee",
        "𐐀𐐁𐐨 Deseret",
        "ＨＥＬＬＯ ｗｏｒｌｄ！ fullwidth",
        "𝐇𝐞𝐥𝐥𝐨 𝕎𝕠𝕣𝕝𝕕 math letters",
        "ﬁ ﬂ ﬀ ligatures",
        "ΆΈΉΊΌΎΏ ᾼ ᾈ",
        "Ⓐⓑ ⒜ circled",
        "한글 조합 한 자모",
        // special tokens written in the text
        "[CLS] hello [SEP] world [SEP]",
        "[MASK] is not [mask]",
        "[UNK][PAD]x[SEP]y",
        "[SEP [CLS] [ MASK] [[MASK]]",
        // markup and other real-world noise
        "<html><body bgcolor=\"#FFFFFF\">Click <a href=\"http://x.com\">here</a></body></html>",
        "=?iso-8859-1?Q?Caf=E9?= =20 =3D quoted-printable",
        "don't stop-believing, e-mail, U.S.A., C++ & C#, a_b, hello@world",
        "Re: [SAtalk] RE: Fw: FWD: ***SPAM*** $$$ Make Money Fast $$$"));
    // longer than the maximum length
    t.add("The SpamAssassin public corpus contains easy ham, hard ham and spam. ".repeat(30));
    t.add("word ".repeat(600));
    return t;
  }
}
