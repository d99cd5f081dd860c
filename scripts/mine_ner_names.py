#!/usr/bin/env python3
"""Mines designator-headed organisation and facility names from unlabelled text.

Output (committed, embedded with include_bytes!): models/gazetteer-mined.tsv.gz,
`phrase<TAB>ORG|LOC<TAB>count`, the phrase as written most often (diacritics and
tatweel off), its first word the designator (حركة، جامعة، مطار ...). The service
folds and stems the words itself (crates/arabic-text-core/src/entities/mined.rs).

A phrase is a designator without article (a construct: حزب البعث, not الحزب
الحاكم) and the words after it up to a stop word, punctuation or digits; it is
extended word by word while one continuation follows at least EXTEND of the
uses of the shorter phrase (جامعة الدول → جامعة الدول العربية), and kept with
at least MIN_COUNT uses. Generic phrases (قوات الأمن, حركة المرور) go by the
reviewed stop lists below and by GENERIC_ZIPF: a first word after the designator
that is a very common word of Arabic (wordfreq) is kept only if the phrase is
frequent relative to it.

Run from the repository root (about 5 min on the shared machine):
    python3 scripts/mine_ner_names.py [../shared/data/unlabelled]
Deterministic: sorted, gzip mtime 0.
"""
import collections
import gzip
import io
import lzma
import re
import sys

SRC = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/unlabelled"
FILES = ["arwiki_comparable.txt.xz", "hindawi_pd.txt.xz", "un_devtest.txt.xz"]
OUT = "models/gazetteer-mined.tsv.gz"
MIN_COUNT = 5
EXTEND = 0.6
MAX_AFTER = 4

# Designators (as written, no article) and the type of the phrase they head,
# by docs/entities-convention.md: bodies are ORGANIZATION with the designator
# inside; facilities and sites LOCATION with the designator inside.
ORG = """حركة حزب تنظيم كتائب جبهة ميليشيا ميليشيات عصائب سرايا فيلق جماعة قوات جيش
جريدة صحيفة مجلة قناة وكالة إذاعة تلفزيون شبكة
جامعة كلية معهد أكاديمية مدرسة مستشفى متحف مكتبة
شركة مصرف بنك مؤسسة مجموعة صندوق
وزارة منظمة جمعية نادي منتخب مجلس هيئة اتحاد لجنة محكمة بلدية""".split()
LOC = """مطار قاعدة ميناء سجن سد جسر شارع ساحة ميدان قصر مسجد جامع كنيسة كاتدرائية دير معبد
ضريح مقبرة ملعب استاد برج قلعة فندق سوق كهف""".split()
TYPE = {**{d: "ORG" for d in ORG}, **{d: "LOC" for d in LOC}}

# Words that end a phrase (prepositions, relatives, verbs of reporting, pronouns).
STOP = set("""في من على إلى الى عن مع التي الذي الذين اللذين اللتين هو هي هم كان كانت قد لقد
أن إن ان أو او ثم حتى منذ بعد قبل عند بين لدى خلال حول ضد نحو و ف ب ل ك لا لم لن ما ماذا هذا
هذه ذلك تلك هؤلاء أي كل بعض غير سوى يا أما إما بل لكن لكنه لكنها كما مثل عام سنة العام""".split())

# First words after a designator that make a generic phrase, not a name
# (reviewed from the candidates; the convention's "not a name").
GENERIC_FIRST = set("""الأمن الاحتلال المرور التاريخ الحياة السير الطيران الملاحة التجارة الشرطة
التحالف العدو الحكومة النظام المعارضة الدفاع الجيش المقاومة البحث الإصلاح التحرير الكتاب
السلام الطوارئ الردع المشاة المارينز الإنقاذ النخبة الاحتياط الحدود الحرس العمليات الدعم
الأقمار النقل الجسم الشمس القمر الأرض الكواكب الهواء الماء الرياح الأمواج الدم الأسعار السوق
الأسهم التطور الفكر الترجمة النهضة الإحياء التصنيع التنوير التصحيح الفلك الأفلاك السفن الأجسام
الجماهير العمال الشعب الشباب الطلاب النساء المرأة الفن الأدب الشعر النقد التأليف الكتابة
المؤمنين المسلمين الكفار المشركين المنافقين الملك الأمير السلطان الخليفة الوزير الرئيس
الدولة الأمة البلاد المدينة القرية المنطقة الإقليم الولاية العاصمة الأقاليم الدول
الإدارة الخدمة الخدمات المشروع البرنامج الموظفين الإنتاج التنمية الاستثمار
التدريب التعليم الدراسة الدراسات الأبحاث الاستقبال الضيافة الانتظار التحكم المراقبة
""".split())


# Last words that leave a phrase unfinished (كنيسة القديس ...) or make it a
# common expression (ساحة القتال, شبكة الإنترنت), found by reading the list.
GENERIC_LAST = set("""القديس القديسة سان سانت مار الأنبا الإله القتال الوغى الحرب المعركة الإنترنت
التدريس الطرق السياسة بلاده بلادها""".split())


def strip_marks(s):
    return re.sub("[\u064B-\u0652\u0670\u0640\u200c-\u200f]", "", s)


def fold(w):
    w = strip_marks(w)
    return w.translate(str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"}))


ARABIC_WORD = re.compile(r"^[\u0621-\u063A\u0641-\u064A]{2,}$")
TOKEN = re.compile(r"[\u0621-\u063A\u0641-\u064A\u064B-\u0652\u0670\u0640]+|[^\s]")
CLITIC = "(?:وب|ول|فب|فل|و|ف|ب|ل|ك)?"
DESIG = re.compile(
    r"(?<![\u0621-\u064A])" + CLITIC + "(" + "|".join(sorted(TYPE, key=len, reverse=True)) + r")(?![\u0621-\u064A])"
)
TYPE_FOLDED = {fold(d): t for d, t in TYPE.items()}


def after_words(text, end):
    """The Arabic words after position `end`, up to a stop word or anything else."""
    out = []
    for m in TOKEN.finditer(text, end):
        w = m.group(0)
        if not ARABIC_WORD.match(strip_marks(w)) or strip_marks(w) in STOP:
            break
        # Another designator starts another name (جامعة الدول العربية ووزارة ...).
        if re.sub("^(?:وب|ول|فب|فل|و|ف|ب|ل|ك)", "", fold(w)) in TYPE_FOLDED:
            break
        out.append(strip_marks(w))
        if len(out) == MAX_AFTER:
            break
    return out


def mine():
    grams = collections.Counter()  # folded tuple (designator, w1..wk) -> count
    surface = collections.defaultdict(collections.Counter)
    for name in FILES:
        with lzma.open(f"{SRC}/{name}", "rt", encoding="utf-8") as f:
            for line in f:
                line = strip_marks(line)
                for m in DESIG.finditer(line):
                    words = after_words(line, m.end())
                    if not words:
                        continue
                    d = m.group(1)
                    key = (fold(d),)
                    for k, w in enumerate(words):
                        key = key + (fold(w),)
                        grams[key] += 1
                        surface[key][" ".join([d] + words[: k + 1])] += 1
        print(f"{name}: {len(grams)} grams", file=sys.stderr)
    return grams, surface


def zipf_table():
    z = {}
    with gzip.open("models/gazetteer-wordfreq.tsv.gz", "rt", encoding="utf-8") as f:
        for line in f:
            w, v = line.rstrip("\n").split("\t")
            z[w] = max(z.get(w, 0), int(v))
    return z


def select(grams, zipf):
    """Phrases of at least MIN_COUNT uses, each extended while one continuation dominates."""
    nexts = collections.defaultdict(list)
    for g, c in grams.items():
        if len(g) > 2:
            nexts[g[:-1]].append((c, g))
    generic = {fold(w) for w in GENERIC_FIRST}
    chosen = {}
    for g, c in grams.items():
        if len(g) != 2 or c < MIN_COUNT:
            continue
        if g[1] in generic:
            continue
        # A very common word after the designator (Zipf ≥ 5.2) is a generic
        # complement unless this phrase is a large share of its uses.
        if zipf.get(g[1], 0) >= 52:
            continue
        cur, cc = g, c
        while nexts.get(cur):
            best_c, best = max(nexts[cur])
            if best_c < EXTEND * cc:
                break
            cur, cc = best, best_c
        chosen[cur] = max(chosen.get(cur, 0), cc)
    return {g: c for g, c in chosen.items() if not generic_phrase(g, zipf)}


def generic_phrase(g, zipf):
    """A designator with a common adjective or noun, not a name: the one word
    after it is indefinite and a common word that takes the article
    (حزب سياسي, جيش عظيم, مدرسة ثانوية: ال+word Zipf ≥ 3.5), or the phrase ends
    in a GENERIC_LAST word."""
    if g[-1] in {fold(w) for w in GENERIC_LAST}:
        return True
    w = g[1]
    return len(g) == 2 and not w.startswith("ال") and zipf.get("ال" + w, 0) >= 35


def main():
    grams, surface = mine()
    zipf = zipf_table()
    chosen = select(grams, zipf)
    lines = []
    for g, c in chosen.items():
        text = surface[g].most_common(1)[0][0]
        lines.append(f"{text}\t{TYPE_FOLDED[g[0]]}\t{c}")
    lines.sort()
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, compresslevel=9) as f:
        f.write(("\n".join(lines) + "\n").encode("utf-8"))
    with open(OUT, "wb") as f:
        f.write(buf.getvalue())
    print(f"{OUT}: {len(lines)} phrases, {len(buf.getvalue())} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
