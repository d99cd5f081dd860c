//! The run-time half of the character-aware network: its weights, the
//! hashed n-gram inputs of a word, the per-word projections and their cache,
//! the scores, and the file format. Apart from the trainer (`training`),
//! which builds a [`CharNet`] with the `train` feature only.

// Dense numeric kernels read best with index loops.
#![allow(clippy::needless_range_loop)]

use rustc_hash::FxHashMap as FxMap;

use crate::entities::binio::{Reader, put_f32s};
use crate::entities::fold::{fold, fold_into, stem_with_article};
use crate::entities::knowledge::Knowledge;
use crate::entities::labels::L;
use crate::error::ModelError;

/// Window radius: the token and `WIN` neighbours on each side.
pub(super) const WIN: usize = 2;
/// Window positions.
pub(super) const POS: usize = 2 * WIN + 1;

/// A trained network, embeddings quantized to i8 with a scale per row.
#[derive(Clone, Debug)]
pub struct CharNet {
    /// Embedding size.
    pub(super) dim: usize,
    /// Hidden units.
    pub(super) hidden: usize,
    /// log2 of the embedding rows.
    pub(super) bits: u32,
    /// Quantized embedding rows, each its f32 scale (0 for rows never
    /// trained) then `dim` i8 values, side by side so a lookup touches one
    /// place in memory.
    pub(super) table: Vec<u8>,
    /// Window layer, laid out `[position][dim][hidden]`.
    pub(super) w1: Vec<f32>,
    /// Hidden biases.
    pub(super) b1: Vec<f32>,
    /// Output layer, laid out `[hidden][L]`.
    pub(super) w2: Vec<f32>,
    /// Output biases.
    pub(super) b2: [f32; L],
    /// Window-layer projections (`POS × hidden` each) of the most frequent
    /// Arabic forms (folded), computed at load: most tokens of running text
    /// skip the n-gram lookups and the window layer's products.
    pub(super) cache: FxMap<&'static str, u32>,
    /// The cached projections, `POS × hidden` per entry of `cache`.
    pub(super) slab: Vec<f32>,
    /// Identifies these weights in per-word memos ([`Projection`]): set
    /// when a network is built or read, kept by clones (same weights).
    pub(super) id: u64,
}

/// The window-layer projections of one word by one network, memoized with
/// the word (see [`CharNet::projection`]).
#[derive(Debug)]
pub(crate) struct Projection {
    /// The network ([`CharNet::id`]) that made it.
    net: u64,
    /// Where the projections are.
    at: Place,
}

/// Where a [`Projection`]'s values are.
#[derive(Debug)]
enum Place {
    /// Row `i` of the network's cache of frequent forms.
    Slab(u32),
    /// Computed for this word (`POS × hidden` values).
    Own(Box<[f32]>),
}

/// A fresh network identity ([`CharNet::id`]).
fn next_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// Forms whose projections are cached: the most frequent of the wordfreq
/// list.
const CACHED_FORMS: usize = 20_000;

/// FNV-1a step.
fn mix(h: u64, x: u64) -> u64 {
    (h ^ x).wrapping_mul(0x100_0000_01b3)
}

/// Appends the hashed input ids of a token (n-grams of the folded form and
/// of the stem, knowledge ids) to `out`.
pub(super) fn token_ids(word: &str, bits: u32, out: &mut Vec<u32>) {
    folded_ids(&fold(word), bits, out);
}

/// [`token_ids`] of an already folded word.
fn folded_ids(folded: &str, bits: u32, out: &mut Vec<u32>) {
    let stem = stem_with_article(folded);
    let k = Knowledge::get();
    let facts = WordFacts {
        form_freq: k.freq_bucket(folded),
        stem_freq: k.freq_bucket(&stem),
        stem_name: k.name_kind(&stem),
        stem_place: k.places.contains_key(stem.as_str()),
    };
    ids_with(folded, &stem, &facts, bits, out);
}

/// What [`folded_ids`] reads from the knowledge lists about a word, for a
/// caller that knows it already (the tagger's word analyses).
#[derive(Clone, Copy, Debug)]
pub(crate) struct WordFacts {
    /// `freq_bucket` of the folded form.
    pub(crate) form_freq: u8,
    /// `freq_bucket` of the stem ([`stem_with_article`]).
    pub(crate) stem_freq: u8,
    /// `name_kind` of the stem.
    pub(crate) stem_name: u8,
    /// Whether the stem is a listed place.
    pub(crate) stem_place: bool,
}

/// [`folded_ids`] of folded word `folded` with stem `stem`
/// (`stem_with_article(folded)`) and `facts`.
fn ids_with(folded: &str, stem: &str, facts: &WordFacts, bits: u32, out: &mut Vec<u32>) {
    let mask = (1u64 << bits) - 1;
    let mut push = |h: u64| out.push(((h ^ (h >> 29)) & mask) as u32);
    let forms = [(1u64, folded), (2, stem)];
    for (seed, form) in forms {
        let chars: Vec<char> = std::iter::once('<')
            .chain(form.chars())
            .chain(std::iter::once('>'))
            .collect();
        for i in 0..chars.len() {
            let mut h = mix(0xcbf2_9ce4_8422_2325, seed);
            for (n, &c) in chars[i..].iter().take(4).enumerate() {
                h = mix(mix(h, u64::from(c)), n as u64);
                push(h);
            }
        }
    }
    let k = Knowledge::get();
    let base = mix(0xcbf2_9ce4_8422_2325, 7);
    push(mix(mix(base, 1), u64::from(facts.form_freq)));
    push(mix(mix(base, 2), u64::from(facts.stem_freq)));
    push(mix(mix(base, 3), u64::from(facts.stem_name)));
    let place = facts.stem_place
        || stem
            .strip_prefix("ال")
            .is_some_and(|s| k.places.contains_key(s));
    push(mix(mix(base, 4), u64::from(place)));
}

/// `y += a * x`.
#[inline]
pub(super) fn axpy(y: &mut [f32], a: f32, x: &[f32]) {
    for (y, x) in y.iter_mut().zip(x) {
        *y += a * x;
    }
}

/// Dot product with 8 accumulators (vectorizes).
#[inline]
pub(super) fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for i in 0..8 {
            acc[i] += x[i] * y[i];
        }
    }
    let tail: f32 = ra.iter().zip(rb).map(|(x, y)| x * y).sum();
    acc.iter().sum::<f32>() + tail
}

impl CharNet {
    /// A network of these weights (`table`: [`pack`]ed embedding rows),
    /// with the projection cache of the frequent forms filled.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn new(
        (dim, hidden, bits): (usize, usize, u32),
        table: Vec<u8>,
        w1: Vec<f32>,
        b1: Vec<f32>,
        w2: Vec<f32>,
        b2: [f32; L],
    ) -> Self {
        CharNet {
            dim,
            hidden,
            bits,
            table,
            w1,
            b1,
            w2,
            b2,
            cache: FxMap::default(),
            slab: Vec::new(),
            id: 0,
        }
        .with_cache()
    }

    /// The window-layer projections of a token (`POS × hidden` into
    /// `out`) from its input ids; `v` is scratch of `dim`.
    fn project(&self, ids: &[u32], v: &mut [f32], out: &mut [f32]) {
        let (d, hd) = (self.dim, self.hidden);
        v.fill(0.0);
        let inv = 1.0 / ids.len().max(1) as f32;
        let stride = 4 + d;
        for (i, &id) in ids.iter().enumerate() {
            // The rows are scattered over the table: fetch ahead.
            if let Some(r) = ids
                .get(i + 8)
                .and_then(|&a| self.table.get(a as usize * stride))
            {
                crate::entities::prefetch::prefetch(r);
            }
            let r = id as usize * stride;
            let Some(row) = self.table.get(r..r + stride) else {
                continue;
            };
            let s = f32::from_le_bytes([row[0], row[1], row[2], row[3]]) * inv;
            if s == 0.0 {
                continue;
            }
            for (y, &q) in v.iter_mut().zip(&row[4..]) {
                *y += s * f32::from(q as i8);
            }
        }
        out.fill(0.0);
        for (p, o) in out.chunks_exact_mut(hd).enumerate().take(POS) {
            let wp = &self.w1[p * d * hd..(p + 1) * d * hd];
            for (j, &x) in v.iter().enumerate() {
                if x != 0.0 {
                    axpy(o, x, &wp[j * hd..(j + 1) * hd]);
                }
            }
        }
    }

    /// Fills the projection cache of the most frequent forms.
    pub(super) fn with_cache(mut self) -> Self {
        let mut forms: Vec<(&'static str, u8)> = Knowledge::get()
            .zipf
            .iter()
            .map(|(&w, &z)| (w, z))
            .collect();
        forms.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        forms.truncate(CACHED_FORMS);
        let width = POS * self.hidden;
        let mut slab = vec![0f32; forms.len() * width];
        // Start-up time matters (the server loads before it serves): the
        // forms are split over the cores; each projection is computed alone,
        // so the slab is the same whatever the split.
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
        let per = forms.len().div_ceil(threads).max(1);
        let net = &self;
        std::thread::scope(|scope| {
            for (part, rows) in forms.chunks(per).zip(slab.chunks_mut(per * width)) {
                scope.spawn(move || {
                    let (mut ids, mut v) = (Vec::new(), vec![0f32; net.dim]);
                    for ((w, _), out) in part.iter().zip(rows.chunks_exact_mut(width)) {
                        ids.clear();
                        folded_ids(w, net.bits, &mut ids);
                        net.project(&ids, &mut v, out);
                    }
                });
            }
        });
        let cache = forms
            .iter()
            .enumerate()
            .map(|(i, (w, _))| (*w, i as u32))
            .collect();
        self.cache = cache;
        self.slab = slab;
        self.id = next_id();
        self
    }

    /// The projections of folded word `folded` with stem `stem`
    /// (`stem_with_article(folded)`) and `facts`: a row of the frequent-form
    /// cache, or computed.
    pub(crate) fn projection(&self, folded: &str, stem: &str, facts: &WordFacts) -> Projection {
        let at = match self.cache.get(folded) {
            Some(&i) => Place::Slab(i),
            None => {
                let mut ids = Vec::with_capacity(64);
                let mut v = vec![0f32; self.dim];
                let mut out = vec![0f32; POS * self.hidden].into_boxed_slice();
                ids_with(folded, stem, facts, self.bits, &mut ids);
                self.project(&ids, &mut v, &mut out);
                Place::Own(out)
            }
        };
        Projection { net: self.id, at }
    }

    /// Whether `p` was made by this network.
    pub(crate) fn owns(&self, p: &Projection) -> bool {
        p.net == self.id
    }

    /// The values of a projection this network made (`POS × hidden`).
    pub(crate) fn values<'a>(&'a self, p: &'a Projection) -> &'a [f32] {
        let width = POS * self.hidden;
        match &p.at {
            Place::Slab(i) => {
                let i = *i as usize;
                self.slab.get(i * width..(i + 1) * width).unwrap_or(&[])
            }
            Place::Own(v) => v,
        }
    }

    /// Tag scores (logits) of every token of a sentence.
    pub fn logits(&self, tokens: &[&str]) -> Vec<[f32; L]> {
        let width = POS * self.hidden;
        let n = tokens.len();
        let (mut ids, mut v) = (Vec::with_capacity(64), vec![0f32; self.dim]);
        let mut proj = vec![0f32; n * width];
        let mut folded = String::new();
        for (t, w) in tokens.iter().enumerate() {
            folded.clear();
            fold_into(w, &mut folded);
            let out = &mut proj[t * width..(t + 1) * width];
            let cached = self
                .cache
                .get(folded.as_str())
                .and_then(|&i| self.slab.get(i as usize * width..(i as usize + 1) * width));
            match cached {
                Some(p) => out.copy_from_slice(p),
                None => {
                    ids.clear();
                    folded_ids(&folded, self.bits, &mut ids);
                    self.project(&ids, &mut v, out);
                }
            }
        }
        let rows: Vec<&[f32]> = proj.chunks_exact(width).collect();
        self.logits_of(&rows)
    }

    /// Tag scores (logits) of a sentence from the projections of its tokens
    /// (`POS × hidden` each, as [`CharNet::project`] makes them).
    pub(crate) fn logits_of(&self, proj: &[&[f32]]) -> Vec<[f32; L]> {
        let hd = self.hidden;
        let n = proj.len();
        let mut h = vec![0f32; hd];
        let mut out = Vec::with_capacity(n);
        for t in 0..n {
            h.copy_from_slice(&self.b1);
            for p in 0..POS {
                let Some(u) = (t + p).checked_sub(WIN).filter(|&u| u < n) else {
                    continue;
                };
                let Some(x) = proj[u].get(p * hd..(p + 1) * hd) else {
                    continue;
                };
                axpy(&mut h, 1.0, x);
            }
            let mut s = self.b2;
            for (j, &x) in h.iter().enumerate() {
                if x > 0.0 {
                    axpy(&mut s, x, &self.w2[j * L..(j + 1) * L]);
                }
            }
            out.push(s);
        }
        out
    }

    /// Serialized bytes (uncompressed; the caller gzips the model file).
    pub fn write(&self, raw: &mut Vec<u8>) {
        raw.extend_from_slice(&(self.dim as u32).to_le_bytes());
        raw.extend_from_slice(&(self.hidden as u32).to_le_bytes());
        raw.extend_from_slice(&self.bits.to_le_bytes());
        // Scales, then values: compresses better than the interleaved rows.
        let stride = 4 + self.dim;
        for row in self.table.chunks_exact(stride) {
            raw.extend_from_slice(&row[..4]);
        }
        for row in self.table.chunks_exact(stride) {
            raw.extend_from_slice(&row[4..]);
        }
        for part in [&self.w1, &self.b1, &self.w2] {
            put_f32s(raw, part);
        }
        put_f32s(raw, &self.b2);
    }

    /// Reads what [`CharNet::write`] wrote from `raw[*pos..]`.
    pub fn read(name: &str, raw: &[u8], pos: &mut usize) -> Result<CharNet, ModelError> {
        let bad = || ModelError::Invalid {
            name: name.to_string(),
            reason: "truncated or malformed character network".to_string(),
        };
        let mut r = Reader::at(raw, *pos);
        let (dim, hidden, bits) = match (r.u32(), r.u32(), r.u32()) {
            (Some(d), Some(h), Some(b)) => (d as usize, h as usize, b),
            _ => return Err(bad()),
        };
        if !(1..=512).contains(&dim) || !(1..=1024).contains(&hidden) || !(8..=22).contains(&bits) {
            return Err(bad());
        }
        let rows = 1usize << bits;
        let scales = r.take(rows * 4).ok_or_else(bad)?;
        let values = r.take(rows * dim).ok_or_else(bad)?;
        let table = pack(scales, values, dim);
        let w1 = r.f32s(POS * dim * hidden).ok_or_else(bad)?;
        let b1 = r.f32s(hidden).ok_or_else(bad)?;
        let w2 = r.f32s(hidden * L).ok_or_else(bad)?;
        let b2 = r.f32s(L).ok_or_else(bad)?;
        let mut b2a = [0f32; L];
        b2a.copy_from_slice(&b2);
        *pos = r.p;
        Ok(CharNet::new((dim, hidden, bits), table, w1, b1, w2, b2a))
    }
}

/// Interleaves row scales (4 bytes each) and values (`dim` bytes each).
pub(super) fn pack(scales: &[u8], values: &[u8], dim: usize) -> Vec<u8> {
    let mut table = Vec::with_capacity(scales.len() + values.len());
    for (s, v) in scales.chunks_exact(4).zip(values.chunks_exact(dim)) {
        table.extend_from_slice(s);
        table.extend_from_slice(v);
    }
    table
}
