//! The name tagger: an averaged structured perceptron over BIO labels with
//! first-order transitions, decoded with constrained Viterbi. Weights are
//! quantized to i16 and stored gzip'd; features are 64-bit hashes kept in an
//! open-addressing table, so a lookup is one probe in the common case.

// Dense numeric kernels over the 9 labels read best with index loops.
#![allow(clippy::needless_range_loop)]

use std::io::{Read, Write};

use std::sync::Arc;

use super::charnet::CharNet;
use super::features::{TrainGazetteer, sentence_features};
use super::knowledge::FxMap;
use crate::ModelError;

/// Number of BIO labels.
pub const L: usize = 9;
/// Label names: O, then B-/I- for PERS, LOC, ORG, MISC.
pub const LABELS: [&str; L] = [
    "O", "B-PERS", "I-PERS", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC",
];
const MAGIC: &[u8; 8] = b"ARNER003";
/// Tag of the optional trailing section holding the character network.
const NET_TAG: &[u8; 4] = b"CNET";

/// The label index of a tag name (unknown → O).
pub fn label_index(tag: &str) -> u8 {
    LABELS.iter().position(|l| *l == tag).unwrap_or(0) as u8
}

/// Whether label `cur` may follow `prev` (`None` = sentence start): an I-X
/// only continues a B-X or I-X.
pub fn allowed(prev: Option<usize>, cur: usize) -> bool {
    if cur == 0 || cur % 2 == 1 {
        return true;
    }
    matches!(prev, Some(p) if p == cur || p + 1 == cur)
}

/// A labelled sentence for training.
#[derive(Clone, Debug)]
pub struct Sample {
    /// The tokens.
    pub tokens: Vec<String>,
    /// Their label indices into [`LABELS`].
    pub labels: Vec<u8>,
}

/// A trained model ready for tagging.
#[derive(Debug, Clone)]
pub struct Model {
    /// Open-addressing table of feature hashes (0 = empty), capacity 2^k.
    keys: Vec<u64>,
    /// Row of each slot in `weights` (by slot).
    rows: Vec<u32>,
    /// Quantized weights, `L` per row.
    weights: Vec<i16>,
    /// Multiplier from quantized to real weights.
    scale: f32,
    /// Transition scores prev×cur.
    trans: [[f32; L]; L],
    /// Start scores.
    start: [f32; L],
    /// Softmax temperature for confidences (fit on the dev part).
    pub temperature: f32,
    /// Subtracted from the O score of every token: trades precision for
    /// recall (fit on the dev part).
    pub o_bias: f32,
    /// Train-split entity phrases used as features.
    pub gazetteer: TrainGazetteer,
    /// The character-aware network whose logits, times `net_weight`, are
    /// added to the emissions (shared: clones of a model are cheap).
    pub charnet: Option<Arc<CharNet>>,
    /// Weight of the network's logits (fit by cross-validation on train).
    pub net_weight: f32,
}

impl Model {
    fn build(
        feats: Vec<(u64, [f32; L])>,
        trans: [[f32; L]; L],
        start: [f32; L],
        gazetteer: TrainGazetteer,
    ) -> Model {
        let max = feats
            .iter()
            .flat_map(|(_, w)| w.iter())
            .fold(0f32, |m, w| m.max(w.abs()));
        let scale = if max > 0.0 { max / 32767.0 } else { 1.0 };
        let mut kept = Vec::new();
        for (k, w) in feats {
            let q: [i16; L] = w.map(|x| (x / scale).round() as i16);
            if q.iter().any(|&x| x != 0) {
                kept.push((k, q));
            }
        }
        Self::from_rows(kept, scale, trans, start, 1.0, gazetteer)
    }

    fn from_rows(
        rows_in: Vec<(u64, [i16; L])>,
        scale: f32,
        trans: [[f32; L]; L],
        start: [f32; L],
        temperature: f32,
        gazetteer: TrainGazetteer,
    ) -> Model {
        let cap = (rows_in.len() * 2).next_power_of_two().max(16);
        let mut keys = vec![0u64; cap];
        let mut rows = vec![0u32; cap];
        let mut weights = Vec::with_capacity(rows_in.len() * L);
        for (r, (k, w)) in rows_in.into_iter().enumerate() {
            let mut slot = (k as usize) & (cap - 1);
            while keys[slot] != 0 {
                slot = (slot + 1) & (cap - 1);
            }
            keys[slot] = k;
            rows[slot] = r as u32;
            weights.extend_from_slice(&w);
        }
        Model {
            keys,
            rows,
            weights,
            scale,
            trans,
            start,
            temperature,
            o_bias: 0.0,
            gazetteer,
            charnet: None,
            net_weight: 0.0,
        }
    }

    /// Number of stored feature rows.
    pub fn num_features(&self) -> usize {
        self.weights.len() / L
    }

    fn row(&self, k: u64) -> Option<&[i16]> {
        let mask = self.keys.len() - 1;
        let mut slot = (k as usize) & mask;
        loop {
            let key = *self.keys.get(slot)?;
            if key == 0 {
                return None;
            }
            if key == k {
                let r = *self.rows.get(slot)? as usize * L;
                return self.weights.get(r..r + L);
            }
            slot = (slot + 1) & mask;
        }
    }

    /// Emission scores of every token of a sentence.
    pub fn emissions(&self, tokens: &[&str]) -> Vec<[f32; L]> {
        let mut feats = Vec::with_capacity(tokens.len() * 48);
        let mut ends = Vec::with_capacity(tokens.len());
        sentence_features(tokens, &self.gazetteer, &mut feats, &mut ends);
        let mut out = Vec::with_capacity(tokens.len());
        let logits = match &self.charnet {
            Some(net) if self.net_weight != 0.0 => net.logits(tokens),
            _ => Vec::new(),
        };
        let mut begin = 0;
        for (t, &end) in ends.iter().enumerate() {
            let mut acc = [0i32; L];
            for &f in feats.get(begin..end).unwrap_or(&[]) {
                if let Some(w) = self.row(f) {
                    for (a, &x) in acc.iter_mut().zip(w) {
                        *a += i32::from(x);
                    }
                }
            }
            let mut e = acc.map(|a| a as f32 * self.scale);
            if let Some(g) = logits.get(t) {
                for (x, y) in e.iter_mut().zip(g) {
                    *x += self.net_weight * y;
                }
            }
            e[0] -= self.o_bias;
            out.push(e);
            begin = end;
        }
        out
    }

    /// The best label sequence for the emissions.
    pub fn viterbi(&self, em: &[[f32; L]]) -> Vec<u8> {
        viterbi(em, &self.trans, &self.start)
    }

    /// Per-token posterior probability of each label under a linear-chain
    /// model whose log-potentials are the perceptron scores / temperature
    /// (scaled forward-backward).
    pub fn marginals(&self, em: &[[f32; L]]) -> Vec<[f32; L]> {
        let n = em.len();
        if n == 0 {
            return Vec::new();
        }
        let t = self.temperature.max(1e-3);
        let mut tr = [[0f32; L]; L];
        for (i, row) in tr.iter_mut().enumerate() {
            for (j, x) in row.iter_mut().enumerate() {
                *x = if allowed(Some(i), j) {
                    (self.trans[i][j] / t).clamp(-60.0, 60.0).exp()
                } else {
                    0.0
                };
            }
        }
        let pot: Vec<[f32; L]> = em
            .iter()
            .map(|e| {
                let m = e.iter().fold(f32::MIN, |a, &b| a.max(b));
                e.map(|x| ((x - m) / t).max(-60.0).exp())
            })
            .collect();
        let mut alpha = vec![[0f32; L]; n];
        for j in 0..L {
            alpha[0][j] = if allowed(None, j) {
                pot[0][j] * (self.start[j] / t).clamp(-60.0, 60.0).exp()
            } else {
                0.0
            };
        }
        normalize(&mut alpha[0]);
        for k in 1..n {
            for j in 0..L {
                let s: f32 = (0..L).map(|i| alpha[k - 1][i] * tr[i][j]).sum();
                alpha[k][j] = s * pot[k][j];
            }
            normalize(&mut alpha[k]);
        }
        let mut beta = vec![[1f32; L]; n];
        for k in (0..n - 1).rev() {
            for i in 0..L {
                beta[k][i] = (0..L)
                    .map(|j| tr[i][j] * pot[k + 1][j] * beta[k + 1][j])
                    .sum();
            }
            normalize(&mut beta[k]);
        }
        (0..n)
            .map(|k| {
                let mut m = [0f32; L];
                for j in 0..L {
                    m[j] = alpha[k][j] * beta[k][j];
                }
                normalize(&mut m);
                m
            })
            .collect()
    }

    /// Decodes a sentence as the service does: Viterbi, the name-head rule,
    /// and the posterior probability of each chosen label (computed only
    /// when some token is in a mention).
    pub fn decode(&self, tokens: &[&str]) -> Decoded {
        let em = self.emissions(tokens);
        let tagged = self.viterbi(&em);
        let mut labels = tagged.clone();
        attach_name_heads(tokens, &mut labels);
        let confidence = if labels.iter().any(|&l| l != 0) {
            labels
                .iter()
                .zip(self.marginals(&em))
                .map(|(&l, m)| m.get(l as usize).copied().unwrap_or(0.0))
                .collect()
        } else {
            Vec::new()
        };
        Decoded {
            tagged,
            labels,
            confidence,
        }
    }

    /// Tags a sentence.
    pub fn tag(&self, tokens: &[&str]) -> Vec<u8> {
        let mut labels = self.viterbi(&self.emissions(tokens));
        attach_name_heads(tokens, &mut labels);
        labels
    }

    /// Serializes the model, gzip'd.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut raw = Vec::new();
        raw.extend_from_slice(MAGIC);
        raw.extend_from_slice(&(self.num_features() as u32).to_le_bytes());
        raw.extend_from_slice(&self.scale.to_le_bytes());
        raw.extend_from_slice(&self.temperature.to_le_bytes());
        raw.extend_from_slice(&self.o_bias.to_le_bytes());
        for row in &self.trans {
            for x in row {
                raw.extend_from_slice(&x.to_le_bytes());
            }
        }
        for x in &self.start {
            raw.extend_from_slice(&x.to_le_bytes());
        }
        // Rows in key order, so the file is deterministic.
        let mut rows: Vec<(u64, usize)> = self
            .keys
            .iter()
            .zip(&self.rows)
            .filter(|(k, _)| **k != 0)
            .map(|(&k, &r)| (k, r as usize))
            .collect();
        rows.sort_unstable();
        // Column-major (keys, then each label's weights) compresses better.
        for (k, _) in &rows {
            raw.extend_from_slice(&k.to_le_bytes());
        }
        for l in 0..L {
            for (_, r) in &rows {
                raw.extend_from_slice(&self.weights[r * L + l].to_le_bytes());
            }
        }
        let mut gaz: Vec<(&String, &u8)> = self.gazetteer.iter().collect();
        gaz.sort();
        raw.extend_from_slice(&(gaz.len() as u32).to_le_bytes());
        for (p, v) in gaz {
            raw.extend_from_slice(&(p.len() as u16).to_le_bytes());
            raw.extend_from_slice(p.as_bytes());
            raw.push(*v);
        }
        if let Some(net) = &self.charnet {
            raw.extend_from_slice(NET_TAG);
            raw.extend_from_slice(&self.net_weight.to_le_bytes());
            net.write(&mut raw);
        }
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        // Writing to a Vec cannot fail.
        let _ = enc.write_all(&raw);
        enc.finish().unwrap_or_default()
    }

    /// Reads a model written by [`Model::to_bytes`].
    pub fn from_bytes(name: &str, gz: &[u8]) -> Result<Model, ModelError> {
        let bad = |reason: &str| ModelError::Invalid {
            name: name.to_string(),
            reason: reason.to_string(),
        };
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(gz)
            .read_to_end(&mut raw)
            .map_err(|e| bad(&format!("gzip: {e}")))?;
        let mut r = Reader { b: &raw, p: 0 };
        if r.take(8).ok_or_else(|| bad("truncated"))? != MAGIC {
            return Err(bad("not an arabic-text NER model (magic)"));
        }
        let trunc = || bad("truncated");
        let n = r.u32().ok_or_else(trunc)? as usize;
        let scale = r.f32().ok_or_else(trunc)?;
        let temperature = r.f32().ok_or_else(trunc)?;
        let o_bias = r.f32().ok_or_else(trunc)?;
        let mut trans = [[0f32; L]; L];
        for row in &mut trans {
            for x in row.iter_mut() {
                *x = r.f32().ok_or_else(trunc)?;
            }
        }
        let mut start = [0f32; L];
        for x in &mut start {
            *x = r.f32().ok_or_else(trunc)?;
        }
        if n > raw.len() / 8 {
            return Err(trunc());
        }
        let mut rows = Vec::with_capacity(n);
        for _ in 0..n {
            let k = r.u64().ok_or_else(trunc)?;
            if k == 0 {
                return Err(bad("zero feature key"));
            }
            rows.push((k, [0i16; L]));
        }
        for l in 0..L {
            for row in rows.iter_mut() {
                row.1[l] = r.i16().ok_or_else(trunc)?;
            }
        }
        let g = r.u32().ok_or_else(trunc)? as usize;
        let mut gazetteer = Vec::with_capacity(g.min(raw.len() / 4));
        for _ in 0..g {
            let len = r.u16().ok_or_else(trunc)? as usize;
            let p = std::str::from_utf8(r.take(len).ok_or_else(trunc)?)
                .map_err(|_| bad("gazetteer phrase is not UTF-8"))?
                .to_string();
            let v = *r.take(1).ok_or_else(trunc)?.first().ok_or_else(trunc)?;
            if !(1..=4).contains(&v) {
                return Err(bad("gazetteer type out of range"));
            }
            gazetteer.push((p, v));
        }
        let mut m = Self::from_rows(
            rows,
            scale,
            trans,
            start,
            temperature,
            gazetteer.into_iter().collect(),
        );
        m.o_bias = if o_bias.is_finite() { o_bias } else { 0.0 };
        if r.take(4).is_some_and(|t| t == NET_TAG) {
            let w = r.f32().ok_or_else(trunc)?;
            m.net_weight = if w.is_finite() { w } else { 0.0 };
            m.charnet = Some(Arc::new(CharNet::read(name, &raw, &mut r.p)?));
        }
        Ok(m)
    }
}

struct Reader<'a> {
    b: &'a [u8],
    p: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.b.get(self.p..self.p.checked_add(n)?)?;
        self.p += n;
        Some(s)
    }
    fn arr<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }
    fn u16(&mut self) -> Option<u16> {
        self.arr().map(u16::from_le_bytes)
    }
    fn i16(&mut self) -> Option<i16> {
        self.arr().map(i16::from_le_bytes)
    }
    fn u32(&mut self) -> Option<u32> {
        self.arr().map(u32::from_le_bytes)
    }
    fn u64(&mut self) -> Option<u64> {
        self.arr().map(u64::from_le_bytes)
    }
    fn f32(&mut self) -> Option<f32> {
        self.arr().map(f32::from_le_bytes)
    }
}

fn normalize(v: &mut [f32; L]) {
    let s: f32 = v.iter().sum();
    if s > 0.0 {
        for x in v.iter_mut() {
            *x /= s;
        }
    }
}

/// Constrained Viterbi.
pub fn viterbi(em: &[[f32; L]], trans: &[[f32; L]; L], start: &[f32; L]) -> Vec<u8> {
    let n = em.len();
    if n == 0 {
        return Vec::new();
    }
    let mut score = [f32::NEG_INFINITY; L];
    for j in 0..L {
        if allowed(None, j) {
            score[j] = start[j] + em[0][j];
        }
    }
    let mut back = vec![[0u8; L]; n];
    for k in 1..n {
        let mut next = [f32::NEG_INFINITY; L];
        for j in 0..L {
            let mut best = f32::NEG_INFINITY;
            let mut arg = 0;
            for i in 0..L {
                if allowed(Some(i), j) {
                    let s = score[i] + trans[i][j];
                    if s > best {
                        best = s;
                        arg = i;
                    }
                }
            }
            next[j] = best + em[k][j];
            back[k][j] = arg as u8;
        }
        score = next;
    }
    let mut last = 0;
    for j in 0..L {
        if score[j] > score[last] {
            last = j;
        }
    }
    let mut out = vec![0u8; n];
    out[n - 1] = last as u8;
    for k in (1..n).rev() {
        out[k - 1] = back[k][out[k] as usize];
    }
    out
}

/// Training settings.
#[derive(Clone, Copy, Debug)]
pub struct TrainConfig {
    /// Passes over the data.
    pub epochs: usize,
    /// Seed of the shuffling RNG.
    pub seed: u64,
    /// Folds of the jackknifed train gazetteer (each sentence sees the
    /// entities of the other folds only, as test sentences would).
    pub folds: usize,
    /// Loss-augmented training: wrong labels get this bonus while decoding,
    /// so the perceptron keeps updating until gold wins by a margin (0 = the
    /// plain perceptron).
    pub margin: f32,
    /// Multiplier of the margin for labelling an entity token O, because a
    /// missed name costs more than a mistyped one in recall.
    pub miss_cost: f32,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            epochs: 12,
            seed: 0x5eed,
            folds: 10,
            margin: 8.0,
            miss_cost: 2.0,
        }
    }
}

/// SplitMix64: a tiny seeded RNG so training is deterministic.
pub(crate) struct SplitMix(pub(crate) u64);

impl SplitMix {
    /// The next pseudo-random number.
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// Key prefix of the gazetteer's single-word entries: each word of a train
/// entity with its most frequent type (first names, surnames, head words),
/// which generalise to unseen full names.
pub const PART: char = '\u{1}';

/// Collects the entity phrases (folded clitic-free stems joined by spaces)
/// of the samples with their most frequent type.
pub fn build_gazetteer<'a>(samples: impl Iterator<Item = &'a Sample>) -> TrainGazetteer {
    let mut counts: FxMap<String, [u32; 5]> = FxMap::default();
    for s in samples {
        for (b, e, t) in chunks(&s.labels) {
            let phrase: Vec<String> = s.tokens[b..e]
                .iter()
                .map(|w| super::fold::stem_with_article(&super::fold::fold(w)))
                .collect();
            for w in &phrase {
                counts.entry(format!("{PART}{w}")).or_default()[t as usize] += 1;
            }
            counts.entry(phrase.join(" ")).or_default()[t as usize] += 1;
        }
    }
    counts
        .into_iter()
        .filter_map(|(p, c)| {
            let (t, _) = c
                .iter()
                .enumerate()
                .skip(1)
                .max_by_key(|(i, n)| (**n, 5 - *i))?;
            (p.trim_start_matches(PART).chars().count() >= 2).then_some((p, t as u8))
        })
        .collect()
}

/// Head nouns that make a militia's proper name with the name after them
/// (كتائب حزب الله, سرايا القدس, عصائب أهل الحق), folded. Unlike حركة or
/// شركة, which ANERcorp leaves outside the name (حركة حماس), they are part of
/// it, and the tagger, which has seen them too rarely, leaves them out.
const NAME_HEADS: &[&str] = &["كتائب", "سرايا", "الويه", "عصائب"];

/// Widens an organisation the tagger found right after a [`NAME_HEADS`] noun
/// to the whole name: the head, and a definite nisba adjective right after
/// (كتائب حزب الله العراقي), which qualifies the name only in such a
/// construct (ANERcorp leaves it out of a plain حزب الله اللبناني).
pub fn attach_name_heads(tokens: &[&str], labels: &mut [u8]) {
    const B_ORG: u8 = 5;
    const I_ORG: u8 = 6;
    for (b, e, t) in chunks(labels) {
        if t != 3 || b == 0 || labels.get(b - 1) != Some(&0) {
            continue;
        }
        // The head as written or after و / ف (a clitic-stripping stemmer
        // would read the ك of كتائب as the preposition).
        let head = super::fold::fold(tokens[b - 1]);
        let bare = head.strip_prefix(['و', 'ف']).unwrap_or(&head);
        if !NAME_HEADS.contains(&head.as_str()) && !NAME_HEADS.contains(&bare) {
            continue;
        }
        labels[b - 1] = B_ORG;
        labels[b] = I_ORG;
        if labels.get(e) == Some(&0)
            && let Some(next) = tokens.get(e)
        {
            let f = super::fold::fold(next);
            let nisba = f.starts_with("ال")
                && (f.ends_with('ي') || f.ends_with("يه"))
                && f.chars().count() >= 5;
            if nisba {
                labels[e] = I_ORG;
            }
        }
    }
}

/// A sentence as [`Model::decode`] leaves it.
#[derive(Clone, Debug, Default)]
pub struct Decoded {
    /// Viterbi's labels.
    pub tagged: Vec<u8>,
    /// The labels after the name-head rule.
    pub labels: Vec<u8>,
    /// The posterior probability of each label in `labels` (empty when no
    /// token is in a mention).
    pub confidence: Vec<f32>,
}

/// Entity chunks `(begin, end, type 1..=4)` of a label sequence with conlleval
/// semantics (an I-X after anything but X starts a chunk).
pub fn chunks(labels: &[u8]) -> Vec<(usize, usize, u8)> {
    let mut out = Vec::new();
    let mut cur: Option<(usize, u8)> = None;
    for (i, &l) in labels.iter().enumerate() {
        let ty = l.div_ceil(2);
        let begin = l % 2 == 1;
        match cur {
            Some((b, t)) if l == 0 || begin || ty != t => {
                out.push((b, i, t));
                cur = None;
            }
            _ => {}
        }
        if l != 0 && cur.is_none() {
            cur = Some((i, ty));
        }
    }
    if let Some((b, t)) = cur {
        out.push((b, labels.len(), t));
    }
    out
}

struct Trainer {
    ids: FxMap<u64, u32>,
    w: Vec<f32>,
    u: Vec<f32>,
    tw: [[f32; L]; L],
    tu: [[f32; L]; L],
    sw: [f32; L],
    su: [f32; L],
    c: f32,
}

impl Trainer {
    fn averaged(&self, gazetteer: TrainGazetteer) -> Model {
        let mut feats = Vec::with_capacity(self.ids.len());
        for (&k, &id) in &self.ids {
            let r = id as usize * L;
            let mut w = [0f32; L];
            for l in 0..L {
                w[l] = self.w[r + l] - self.u[r + l] / self.c;
            }
            feats.push((k, w));
        }
        feats.sort_unstable_by_key(|(k, _)| *k);
        let mut trans = [[0f32; L]; L];
        let mut start = [0f32; L];
        for i in 0..L {
            for j in 0..L {
                trans[i][j] = self.tw[i][j] - self.tu[i][j] / self.c;
            }
            start[i] = self.sw[i] - self.su[i] / self.c;
        }
        Model::build(feats, trans, start, gazetteer)
    }
}

/// Trains an averaged perceptron. `on_epoch` sees the averaged model after
/// each epoch (for dev scoring); the final model carries the gazetteer of all
/// `samples`.
pub fn train(
    samples: &[Sample],
    cfg: &TrainConfig,
    mut on_epoch: impl FnMut(usize, &Model),
) -> Model {
    let folds = cfg.folds.max(1);
    // Jackknifed gazetteers: fold f's sentences see the other folds' entities.
    let fold_gaz: Vec<TrainGazetteer> = (0..folds)
        .map(|f| {
            if folds == 1 {
                build_gazetteer(samples.iter())
            } else {
                build_gazetteer(
                    samples
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| i % folds != f)
                        .map(|(_, s)| s),
                )
            }
        })
        .collect();
    let mut t = Trainer {
        ids: FxMap::default(),
        w: Vec::new(),
        u: Vec::new(),
        tw: [[0.0; L]; L],
        tu: [[0.0; L]; L],
        sw: [0.0; L],
        su: [0.0; L],
        c: 1.0,
    };
    // Precompute feature ids per sentence.
    let mut data: Vec<(Vec<u32>, Vec<usize>)> = Vec::with_capacity(samples.len());
    let mut feats = Vec::new();
    let mut ends = Vec::new();
    for (i, s) in samples.iter().enumerate() {
        feats.clear();
        ends.clear();
        let toks: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
        sentence_features(&toks, &fold_gaz[i % folds], &mut feats, &mut ends);
        let ids: Vec<u32> = feats
            .iter()
            .map(|f| {
                let n = t.ids.len() as u32;
                *t.ids.entry(*f).or_insert(n)
            })
            .collect();
        data.push((ids, ends.clone()));
    }
    t.w = vec![0.0; t.ids.len() * L];
    t.u = vec![0.0; t.ids.len() * L];
    let full_gaz = build_gazetteer(samples.iter());
    let mut order: Vec<usize> = (0..samples.len()).collect();
    let mut rng = SplitMix(cfg.seed);
    let (margin, miss) = (cfg.margin, cfg.miss_cost);
    for epoch in 1..=cfg.epochs {
        for i in (1..order.len()).rev() {
            let j = (rng.next() % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        for &si in &order {
            let (ids, ends) = &data[si];
            let gold = &samples[si].labels;
            let mut em = Vec::with_capacity(ends.len());
            let mut b = 0;
            for &e in ends {
                let mut acc = [0f32; L];
                for &f in &ids[b..e] {
                    let r = f as usize * L;
                    for l in 0..L {
                        acc[l] += t.w[r + l];
                    }
                }
                em.push(acc);
                b = e;
            }
            // Loss-augmented decoding: every wrong label gets a bonus, so
            // updates continue until gold wins by a margin.
            if margin > 0.0 {
                for (e, &g) in em.iter_mut().zip(gold) {
                    for (l, x) in e.iter_mut().enumerate() {
                        if l != g as usize {
                            *x += if g != 0 && l == 0 {
                                margin * miss
                            } else {
                                margin
                            };
                        }
                    }
                }
            }
            let pred = viterbi(&em, &t.tw, &t.sw);
            if pred != *gold {
                let c = t.c;
                let mut b = 0;
                for (k, &e) in ends.iter().enumerate() {
                    let (g, p) = (gold[k] as usize, pred[k] as usize);
                    if g != p {
                        for &f in &ids[b..e] {
                            let r = f as usize * L;
                            t.w[r + g] += 1.0;
                            t.u[r + g] += c;
                            t.w[r + p] -= 1.0;
                            t.u[r + p] -= c;
                        }
                    }
                    let (gp, pp) = if k == 0 {
                        (None, None)
                    } else {
                        (Some(gold[k - 1] as usize), Some(pred[k - 1] as usize))
                    };
                    if gp != pp || g != p {
                        match gp {
                            None => {
                                t.sw[g] += 1.0;
                                t.su[g] += c;
                            }
                            Some(i) => {
                                t.tw[i][g] += 1.0;
                                t.tu[i][g] += c;
                            }
                        }
                        match pp {
                            None => {
                                t.sw[p] -= 1.0;
                                t.su[p] -= c;
                            }
                            Some(i) => {
                                t.tw[i][p] -= 1.0;
                                t.tu[i][p] -= c;
                            }
                        }
                    }
                    b = e;
                }
            }
            t.c += 1.0;
        }
        if epoch < cfg.epochs {
            on_epoch(epoch, &t.averaged(full_gaz.clone()));
        }
    }
    let model = t.averaged(full_gaz);
    on_epoch(cfg.epochs, &model);
    model
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(s: &str) -> Sample {
        let (mut tokens, mut labels) = (Vec::new(), Vec::new());
        for wt in s.split(' ') {
            let (w, t) = wt.split_once('/').unwrap_or((wt, "O"));
            tokens.push(w.to_string());
            labels.push(label_index(t));
        }
        Sample { tokens, labels }
    }

    #[test]
    fn militia_heads_and_their_nisba_join_the_organisation() {
        let toks = ["أعلنت", "كتائب", "حزب", "الله", "العراقي", "مسؤوليتها"];
        let mut labels = vec![0, 0, 5, 6, 0, 0];
        attach_name_heads(&toks, &mut labels);
        assert_eq!(labels, vec![0, 5, 6, 6, 6, 0]);
        // A plain organisation keeps ANERcorp's span (حزب الله اللبناني).
        let toks = ["قال", "حزب", "الله", "اللبناني", "إن"];
        let mut labels = vec![0, 5, 6, 0, 0];
        attach_name_heads(&toks, &mut labels);
        assert_eq!(labels, vec![0, 5, 6, 0, 0]);
        // So does حركة حماس.
        let toks = ["حركة", "حماس"];
        let mut labels = vec![0, 5];
        attach_name_heads(&toks, &mut labels);
        assert_eq!(labels, vec![0, 5]);
    }

    #[test]
    fn chunks_follow_conlleval() {
        assert_eq!(chunks(&[1, 2, 0, 3, 4, 4]), vec![(0, 2, 1), (3, 6, 2)]);
        assert_eq!(chunks(&[0, 4, 3]), vec![(1, 2, 2), (2, 3, 2)]);
    }

    #[test]
    fn a_model_trained_on_toy_data_tags_it_and_survives_serialization() {
        let data: Vec<Sample> = [
            "قال/O الرئيس/O جورج/B-PERS بوش/I-PERS في/O واشنطن/B-LOC",
            "زار/O محمد/B-PERS علي/I-PERS مدينة/O القاهرة/B-LOC أمس/O",
            "أعلنت/O وزارة/B-ORG الخارجية/I-ORG في/O باريس/B-LOC",
            "وصل/O جورج/B-PERS إلى/O القاهرة/B-LOC",
        ]
        .iter()
        .map(|s| sample(s))
        .collect();
        let cfg = TrainConfig {
            epochs: 10,
            seed: 1,
            folds: 1,
            ..TrainConfig::default()
        };
        let model = train(&data, &cfg, |_, _| {});
        for s in &data {
            let toks: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
            assert_eq!(model.tag(&toks), s.labels, "{:?}", s.tokens);
        }
        let mut biased = model.clone();
        biased.o_bias = 0.25;
        let again = Model::from_bytes("toy", &biased.to_bytes()).expect("roundtrip");
        assert_eq!(again.o_bias, 0.25);
        assert!(again.charnet.is_none());
        // With a character network: its weighted logits join the emissions
        // and survive serialization.
        let net_cfg = super::super::charnet::NetConfig {
            dim: 8,
            hidden: 8,
            bits: 10,
            epochs: 5,
            ..Default::default()
        };
        let mut with_net = biased.clone();
        with_net.charnet = Some(Arc::new(super::super::charnet::train(&data, &net_cfg)));
        with_net.net_weight = 0.5;
        let toks: Vec<&str> = data[1].tokens.iter().map(String::as_str).collect();
        assert_ne!(with_net.emissions(&toks), biased.emissions(&toks));
        let read = Model::from_bytes("toy+net", &with_net.to_bytes()).expect("roundtrip");
        assert_eq!(read.net_weight, 0.5);
        assert_eq!(read.emissions(&toks), with_net.emissions(&toks));
        let toks: Vec<&str> = data[0].tokens.iter().map(String::as_str).collect();
        assert_eq!(again.tag(&toks), data[0].labels);
        let m = again.marginals(&again.emissions(&toks));
        assert!(m.iter().all(|p| (p.iter().sum::<f32>() - 1.0).abs() < 1e-3));
        // Same data, same seed: same bytes.
        assert_eq!(train(&data, &cfg, |_, _| {}).to_bytes(), model.to_bytes());
    }

    #[test]
    fn garbage_is_not_a_model() {
        assert!(Model::from_bytes("x", b"not gzip").is_err());
    }
}
