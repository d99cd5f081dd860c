//! The name tagger's feature templates, declared once
//! ([`for_each_feature_template!`]); the training path
//! (`features::sentence_features`) and the fast path (`tagger::emit`) are both
//! generated from this one list, so they cannot drift apart. A leaf: the
//! entries are tokens, expanded where a consumer invokes the macro.

use super::binio::fnv1a;

/// Calls `$callback!` with every feature template of the name tagger, in the
/// order the training path emits them, as `[ID SCOPE BODY]` entries.
///
/// `ID` is the template id that starts the feature's hash (`H::new(ID)`,
/// passed to the body as `h`): ids are part of the model file's feature
/// hashes and never change. `SCOPE` says what the template reads, so the fast
/// path knows when it can memoize it:
///
/// - `t`: the token's word alone; the body is
///   `|f, c: &Here, h|` (`c.t` the word, `c.raw` its text as given);
/// - `p1`, `p2`, `n1`, `n2`: the word one or two before or after alone;
///   `|f, c: &Near, h|` (`c.w` that word);
/// - `ctx`: anything of the sentence, `|f, c: &Ctx, h|` (`c.t`, `c.p1` ...
///   the tokens with their place, gazetteer and mined-name matches);
/// - `pair W HEAD, TAIL`: a feature whose hash starts with parts of word `W`
///   (`HEAD: |h, w: &Word| -> H`, memoized per word) and goes on with parts
///   of the sentence (`TAIL: |h, c: &Ctx| -> H`); one feature.
///
/// A body pushes its features with `f.push(h ...)` (zero or more).
/// `c.k` is the knowledge lists and `c.clusters` the cluster templates in
/// use ([`super::features::cluster_features`]).
macro_rules! for_each_feature_template {
    ($callback:ident) => {
        $callback! {
            // Bias, the token as given, folded, and its neighbours' forms.
            [0 t |f, _c, h| f.push(h)]
            [1 t |f, c, h| f.push(h.s(c.raw))]
            [2 t |f, c, h| f.push(h.s(&c.t.folded))]
            [3 p1 |f, c, h| f.push(h.s(&c.w.folded))]
            [4 p2 |f, c, h| f.push(h.s(&c.w.folded))]
            [5 n1 |f, c, h| f.push(h.s(&c.w.folded))]
            [6 n2 |f, c, h| f.push(h.s(&c.w.folded))]
            // Stems and the clitic-free rest.
            [7 t |f, c, h| f.push(h.s(&c.t.stem))]
            [8 p1 |f, c, h| f.push(h.s(&c.w.stem))]
            [9 n1 |f, c, h| f.push(h.s(&c.w.stem))]
            [10 t |f, c, h| f.push(h.s(&c.t.bare))]
            // Affixes.
            [11 t |f, c, h| for n in 1..=3 {
                f.push(h.b(n as u8).s(prefix(&c.t.folded, n)))
            }]
            [12 t |f, c, h| for n in 1..=3 {
                f.push(h.b(n as u8).s(suffix(&c.t.folded, n)))
            }]
            [13 t |f, c, h| for n in 2..=3 {
                f.push(h.b(n as u8).s(prefix(&c.t.bare, n)))
            }]
            [14 t |f, c, h| for n in 2..=3 {
                f.push(h.b(n as u8).s(suffix(&c.t.bare, n)))
            }]
            // Shapes, proclitics, word pairs.
            [15 t |f, c, h| f.push(h.b(c.t.shape))]
            [16 ctx |f, c, h| f.push(h.b(c.p1.shape).b(c.t.shape).b(c.n1.shape))]
            [17 t |f, c, h| f.push(h.s(&c.t.pro))]
            [18 pair p1 |h, w| h.s(&w.folded), |h, c| h.s(&c.t.folded)]
            [19 pair t |h, w| h.s(&w.folded), |h, c| h.s(&c.n1.folded)]
            [20 pair p1 |h, w| h.s(&w.stem), |h, c| h.s(&c.t.stem)]
            // Frequencies.
            [21 t |f, c, h| f.push(h.b(c.t.form_freq))]
            [22 t |f, c, h| f.push(h.b(c.t.stem_freq))]
            [23 ctx |f, c, h| f.push(h.b(c.p1.stem_freq).b(c.t.stem_freq).b(c.n1.stem_freq))]
            [24 t |f, c, h| f.push(
                h.b(c.t.stem_freq).b(c.t.shape).b(u8::from(c.t.stem.starts_with("ال")))
            )]
            // The place list and the train gazetteer.
            [25 ctx |f, c, h| f.push(h.b(c.t.place))]
            [26 ctx |f, c, h| f.push(h.b(c.p1.place).b(c.t.place).b(c.n1.place))]
            [27 ctx |f, c, h| f.push(h.b(c.t.gaz))]
            [28 ctx |f, c, h| f.push(h.b(c.p1.gaz).b(c.t.gaz).b(c.n1.gaz))]
            [29 ctx |f, c, h| f.push(h.b(c.t.gaz).b(c.t.place))]
            // Trigger words.
            [30 p1 |f, c, h| f.push(h.b(c.w.trig))]
            [31 p2 |f, c, h| f.push(h.b(c.w.trig))]
            [32 n1 |f, c, h| f.push(h.b(c.w.trig))]
            [33 t |f, c, h| f.push(h.b(c.t.trig))]
            [34 t |f, c, h| f.push(h.b(c.t.trig).b(c.t.stem_freq))]
            [35 t |f, c, h| f.push(h.b(c.t.folded.chars().count().min(12) as u8))]
            [36 ctx |f, c, h| f.push(h.b(u8::from(c.i == 0)).b(c.t.shape))]
            [37 pair p1 |h, w| h.s(&w.stem), |h, c| h.b(c.t.stem_freq)]
            [38 pair t |h, w| h.b(w.stem_freq), |h, c| h.s(&c.n1.stem)]
            [39 ctx |f, c, h| f.push(h.b(c.t.gaz).b(c.t.stem_freq))]
            [40 ctx |f, c, h| f.push(h.b(c.t.place).b(c.t.stem_freq))]
            [41 t |f, c, h| f.push(h.s(prefix(&c.t.bare, 4)))]
            [42 t |f, c, h| f.push(h.s(suffix(&c.t.bare, 4)))]
            // Character trigrams of a short clitic-free rest.
            [43 t |f, c, h| {
                let chars: Vec<char> = c.t.bare.chars().collect();
                if chars.len() <= 12 {
                    for w in chars.windows(3) {
                        let mut g = [0u8; 12];
                        let mut n = 0;
                        for ch in w {
                            n += ch.encode_utf8(&mut g[n..]).len();
                        }
                        f.push(h.s(std::str::from_utf8(&g[..n]).unwrap_or("")));
                    }
                }
            }]
            [44 pair p1 |h, w| h.s(&w.folded), |h, c| h.b(c.t.shape).b(c.t.stem_freq)]
            [45 ctx |f, c, h| f.push(h.b(c.p1.gaz).b(c.t.gaz))]
            [46 pair p2 |h, w| h.s(&w.stem), |h, c| h.s(&c.p1.stem)]
            // Nearest trigger within the 4 previous words, with its distance
            // (وزير الخارجية الأمريكي كولن باول).
            [54 ctx |f, c, h| {
                let (d, trig) = c.near_trigger();
                f.push(h.b(d).b(trig))
            }]
            [55 ctx |f, c, h| f.push(h.b(c.near_trigger().1).b(c.t.stem_freq).b(c.t.part))]
            // The stem as a single-word part of a gazetteer name.
            [51 ctx |f, c, h| f.push(h.b(c.t.part))]
            [52 ctx |f, c, h| f.push(h.b(c.p1.part).b(c.t.part).b(c.n1.part))]
            [53 ctx |f, c, h| f.push(h.b(c.t.part).b(c.t.stem_freq).b(c.t.gaz))]
            // How the stem behaves in wordfreq (`Word::morph`).
            [47 t |f, c, h| for (j, &m) in c.t.morph.iter().enumerate() {
                f.push(h.b(j as u8).b(m))
            }]
            [48 t |f, c, h| for (j, &m) in c.t.morph.iter().enumerate() {
                f.push(h.b(j as u8).b(m).b(c.t.stem_freq))
            }]
            [49 t |f, c, h| {
                let m = &c.t.morph;
                f.push(h.b(m[0]).b(m[1]).b(m[2]).b(m[3]))
            }]
            [50 ctx |f, c, h| f.push(
                h.b(c.p1.morph[0]).b(c.p1.morph[1]).b(c.n1.morph[0]).b(c.n1.morph[1])
            )]
            // A definite nisba adjective before a name (البرازيلي رونالدو).
            [61 ctx |f, c, h| f.push(h.b(u8::from(c.p1.nisba)).b(c.t.stem_freq).b(c.t.name))]
            // The person-name lists.
            [56 t |f, c, h| f.push(h.b(c.t.name))]
            [57 ctx |f, c, h| f.push(h.b(c.p1.name).b(c.t.name).b(c.n1.name))]
            // Mined names (`super::mined`): where a mined phrase, or its name
            // without the designator, begins, continues and ends, alone and
            // conjoined with the word's frequency, the place list, the
            // neighbours' matches and the word before, so the perceptron
            // learns where a match is a name in this context.
            [200 ctx |f, c, h| f.push(h.b(c.t.mined))]
            [201 ctx |f, c, h| f.push(h.b(c.p1.mined).b(c.t.mined).b(c.n1.mined))]
            [202 ctx |f, c, h| f.push(h.b(c.t.mined).b(c.t.stem_freq))]
            [203 ctx |f, c, h| f.push(h.b(c.t.mined_tail).b(c.t.place))]
            [204 ctx |f, c, h| f.push(
                h.b(c.p1.mined_tail).b(c.t.mined_tail).b(c.n1.mined_tail)
            )]
            [205 ctx |f, c, h| f.push(h.b(c.t.mined_tail).b(c.t.stem_freq).b(c.p1.trig))]
            [206 ctx |f, c, h| if c.t.mined != 0 || c.t.mined_tail != 0 {
                f.push(h.b(c.t.mined).b(c.t.mined_tail).s(&c.p1.folded))
            }]
            // Word clusters (learned from unlabelled text), as many as
            // `c.clusters` asks for.
            [62 t |f, c, h| if c.clusters >= 1 {
                for p in CLUSTER_PREFIXES {
                    f.push(h.b(p).w(cluster_prefix(c.k, c.t.stem_cluster, p)))
                }
            }]
            [63 t |f, c, h| if c.clusters >= 1 {
                for p in CLUSTER_PREFIXES {
                    f.push(h.b(p).w(cluster_prefix(c.k, c.t.form_cluster, p)))
                }
            }]
            [64 p1 |f, c, h| if c.clusters >= 2 {
                for p in [4, 8, 12] {
                    f.push(h.b(p).w(cluster_prefix(c.k, c.w.stem_cluster, p)))
                }
            }]
            [65 n1 |f, c, h| if c.clusters >= 2 {
                for p in [4, 8, 12] {
                    f.push(h.b(p).w(cluster_prefix(c.k, c.w.stem_cluster, p)))
                }
            }]
            [66 p2 |f, c, h| if c.clusters >= 3 {
                f.push(h.w(cluster_prefix(c.k, c.w.stem_cluster, 6)))
            }]
            [67 n2 |f, c, h| if c.clusters >= 3 {
                f.push(h.w(cluster_prefix(c.k, c.w.stem_cluster, 6)))
            }]
            [68 ctx |f, c, h| if c.clusters >= 3 {
                f.push(
                    h.w(cluster_prefix(c.k, c.p1.stem_cluster, 6))
                        .w(cluster_prefix(c.k, c.t.stem_cluster, 6)),
                )
            }]
            [69 t |f, c, h| if c.clusters >= 3 {
                f.push(h.w(cluster_prefix(c.k, c.t.stem_cluster, 8)).b(c.t.stem_freq))
            }]
        }
    };
}
pub(crate) use for_each_feature_template;

/// Expands `{ ... }` when the two scopes are the same, to nothing otherwise
/// (consumers keep the entries of one scope).
macro_rules! if_scope {
    (t t { $($x:tt)* }) => { $($x)* };
    (p1 p1 { $($x:tt)* }) => { $($x)* };
    (p2 p2 { $($x:tt)* }) => { $($x)* };
    (n1 n1 { $($x:tt)* }) => { $($x)* };
    (n2 n2 { $($x:tt)* }) => { $($x)* };
    (ctx ctx { $($x:tt)* }) => { $($x)* };
    (pair pair { $($x:tt)* }) => { $($x)* };
    ($want:ident $scope:ident { $($x:tt)* }) => {};
}
pub(crate) use if_scope;

/// Whether a scope is `pair` (see [`PAIRS`]).
macro_rules! is_pair {
    (pair) => {
        true
    };
    ($scope:ident) => {
        false
    };
}

/// The templates' ids and scopes as data: [`ALL`] and [`TEMPLATE_SET`].
macro_rules! declare_pairs {
    ($([$id:literal $scope:ident $($body:tt)*])*) => {
        /// Every template, with whether it is a `pair` one.
        const ALL: &[(u8, bool)] = &[$(($id, is_pair!($scope))),*];

        /// Every template's id and scope, `ID SCOPE;` in declaration order.
        const SCOPES: &str = concat!($(stringify!($id), " ", stringify!($scope), ";"),*);
    };
}
for_each_feature_template!(declare_pairs);

/// The identity of the template set ([`fnv1a`] of the ids and scopes): a
/// tagger model records the set it was trained with, and one trained with
/// another set (its feature hashes mean other things) is refused at load.
pub(crate) const TEMPLATE_SET: u64 = fnv1a(SCOPES.as_bytes());

/// How many `pair` templates there are: the memoized hash states of a word
/// ([`pair_slot`]).
pub(crate) const PAIRS: usize = {
    let mut n = 0;
    let mut i = 0;
    while i < ALL.len() {
        if ALL[i].1 {
            n += 1;
        }
        i += 1;
    }
    n
};

/// The index of `pair` template `id` among the `pair` templates (evaluated at
/// compile time: `const { pair_slot(18) }`).
pub(crate) const fn pair_slot(id: u8) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < ALL.len() {
        if ALL[i].0 == id {
            assert!(ALL[i].1, "not a pair template");
            return n;
        }
        if ALL[i].1 {
            n += 1;
        }
        i += 1;
    }
    panic!("no such template")
}

/// Template ids are unique (a repeated id would give two templates the same
/// hashes).
const _: () = {
    let mut i = 0;
    while i < ALL.len() {
        let mut j = i + 1;
        while j < ALL.len() {
            assert!(ALL[i].0 != ALL[j].0, "a template id is declared twice");
            j += 1;
        }
        i += 1;
    }
};
