//! The committed tagger model (`models/ner-model.bin.gz`) with the embedded
//! context encoder, decoded once per process.

use std::sync::{Arc, OnceLock};

use super::model::Model;
use crate::entities::encoder::Encoder;
use crate::error::ModelError;

/// The committed model trained by `arabic-text train-ner`.
static EMBEDDED_MODEL: &[u8] = include_bytes!("../../../../../models/ner-model.bin.gz");

/// The embedded tagger model, decoded once per process.
pub fn embedded_model() -> Result<&'static Model, ModelError> {
    embedded_arc().map(|m| &**m)
}

/// [`embedded_model`] as shared by the extractors.
pub(crate) fn embedded_arc() -> Result<&'static Arc<Model>, ModelError> {
    static M: OnceLock<Result<Arc<Model>, String>> = OnceLock::new();
    M.get_or_init(|| {
        // The encoder and its vectors decode on a second thread while the
        // tagger decodes here: the two are independent, and together they are
        // most of the server's start-up (docs/ner.md, "Speed and load").
        let (model, encoder) = std::thread::scope(|s| {
            let encoder = s.spawn(Encoder::embedded);
            let model = Model::from_bytes("embedded ner-model.bin.gz", EMBEDDED_MODEL);
            (model, encoder.join())
        });
        let mut model = model.map_err(|e| e.to_string())?;
        let encoder = encoder.map_err(|_| "the encoder's loader panicked".to_string())?;
        model.set_encoder(encoder.map_err(|e| e.to_string())?);
        Ok(Arc::new(model))
    })
    .as_ref()
    .map_err(|reason| ModelError::Invalid {
        name: "embedded ner-model.bin.gz".to_string(),
        reason: reason.clone(),
    })
}
