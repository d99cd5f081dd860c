//! The one interface of the tagger's scorers ([`Scorer`]): each adds its
//! weighted label scores of a sentence into the emissions, and a model is an
//! ordered list of them (`Model::scorers`) whose sum Viterbi decodes. The
//! perceptron's implementation is in `emit` (it is most of the tagger); the
//! others are here: the constant O bias, the character network and the
//! context encoder, each reading the sentence's memoized word analyses.

use std::any::Any;
use std::fmt::Debug;
use std::rc::Rc;
use std::sync::Arc;

use crate::entities::charnet::{CharNet, Projection as CharProjection, WordFacts};
use crate::entities::encoder::{Encoder, Projection, WordInput};
use crate::entities::labels::L;
use crate::entities::word::Word;

/// [`Scorer::name`] of the perceptron.
pub const PERCEPTRON: &str = "perceptron";
/// [`Scorer::name`] of the character network.
pub const CHARNET: &str = "charnet";
/// [`Scorer::name`] of the O bias.
pub const O_BIAS: &str = "O bias";
/// [`Scorer::name`] of the context encoder.
pub const ENCODER: &str = "encoder";

/// The order of the scorers in a model, by name: the emissions are summed in
/// this order, which fixes their rounding (the O bias comes after the
/// scorers the tagger's cross-validation chose it with, before the encoder
/// chosen on top of them).
pub(super) const ORDER: [&str; 4] = [PERCEPTRON, CHARNET, O_BIAS, ENCODER];

/// A sentence as the scorers read it: its tokens as given and their word
/// analyses (memoized per thread, with each scorer's per-word memo).
pub struct Sentence<'a> {
    /// The tokens as given.
    pub(crate) tokens: &'a [&'a str],
    /// Their analyses, one per token.
    pub(crate) words: &'a [Rc<Word>],
}

/// One source of label scores of a tagger model.
pub trait Scorer: Debug + Send + Sync {
    /// Its name in reports and ablations (one of [`ORDER`]).
    fn name(&self) -> &'static str;

    /// Adds its weighted scores of every token of `s` into `em` (one row of
    /// [`L`] scores per token).
    fn add_scores(&self, s: &Sentence<'_>, em: &mut [[f32; L]]);

    /// Whether its scores are the same for every token (the O bias): an
    /// ablation that keeps the first scorers keeps it.
    fn is_constant(&self) -> bool {
        false
    }

    /// Itself, to reach its own settings (`Model::find`).
    fn as_any(&self) -> &dyn Any;
}

/// Subtracted from the O score of every token: trades precision for recall
/// (chosen by the tagger's cross-validation, with the scorers before it).
#[derive(Clone, Copy, Debug)]
pub struct OBias(pub f32);

impl Scorer for OBias {
    fn name(&self) -> &'static str {
        O_BIAS
    }

    fn add_scores(&self, _: &Sentence<'_>, em: &mut [[f32; L]]) {
        for e in em {
            e[0] -= self.0;
        }
    }

    fn is_constant(&self) -> bool {
        true
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The character network with the weight of its logits (chosen by the
/// tagger's cross-validation).
#[derive(Clone, Debug)]
pub struct NetScorer {
    /// The network (shared: clones of a model are cheap).
    pub net: Arc<CharNet>,
    /// Multiplier of its logits.
    pub weight: f32,
}

impl NetScorer {
    /// The network's window-layer projections of `w`, memoized with the
    /// word.
    fn projection(&self, w: &Word) -> Rc<CharProjection> {
        let memo = w.projection.borrow().clone();
        if let Some(p) = memo.filter(|p| self.net.owns(p)) {
            return p;
        }
        let facts = WordFacts {
            form_freq: w.form_freq,
            stem_freq: w.stem_freq,
            stem_name: w.stem_name,
            stem_place: w.place_single,
        };
        let p = Rc::new(self.net.projection(&w.folded, &w.stem, &facts));
        *w.projection.borrow_mut() = Some(Rc::clone(&p));
        p
    }
}

impl Scorer for NetScorer {
    fn name(&self) -> &'static str {
        CHARNET
    }

    fn add_scores(&self, s: &Sentence<'_>, em: &mut [[f32; L]]) {
        if self.weight == 0.0 {
            return;
        }
        let proj: Vec<Rc<CharProjection>> = s.words.iter().map(|w| self.projection(w)).collect();
        let values: Vec<&[f32]> = proj.iter().map(|p| self.net.values(p)).collect();
        for (e, g) in em.iter_mut().zip(self.net.logits_of(&values)) {
            for (x, y) in e.iter_mut().zip(g) {
                *x += self.weight * y;
            }
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The encoder's layer-1 projection of `w`, memoized with the word.
fn encoded(enc: &Encoder, w: &Word) -> Rc<Projection> {
    if let Some(p) = w.encoded.borrow().as_ref().filter(|p| enc.owns(p)) {
        return Rc::clone(p);
    }
    let input = WordInput {
        folded: &w.folded,
        stem: &w.stem,
        form_freq: w.form_freq,
        stem_freq: w.stem_freq,
        stem_name: w.stem_name,
        place: w.place_single,
    };
    let p = Rc::new(enc.projection(&input));
    *w.encoded.borrow_mut() = Some(Rc::clone(&p));
    p
}

/// The context encoder: its scores times its weight, less its O shift
/// (both in its own file).
impl Scorer for Encoder {
    fn name(&self) -> &'static str {
        ENCODER
    }

    fn add_scores(&self, s: &Sentence<'_>, em: &mut [[f32; L]]) {
        let proj: Vec<Rc<Projection>> = s.words.iter().map(|w| encoded(self, w)).collect();
        let refs: Vec<&Projection> = proj.iter().map(|p| &**p).collect();
        self.add_scores_of(&refs, em);
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
