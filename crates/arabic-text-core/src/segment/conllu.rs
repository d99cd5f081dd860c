//! CoNLL-U writing in the UD Arabic-PUD and -PADT conventions: what
//! `arabic-text segment --format conllu` prints and what `eval-segment` hands
//! to the CoNLL 2018 evaluator.

use std::io::Write;

use super::types::Segmentation;

/// The CoNLL-U convention for clitics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Style {
    /// Clitics as separate tokens with `SpaceAfter=No`, surface forms (UD Arabic-PUD).
    #[default]
    Pud,
    /// Multi-word tokens with restored forms (UD Arabic-PADT).
    Padt,
}

/// A CoNLL-U FORM: no tabs or line breaks.
fn form(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_whitespace() { '_' } else { c })
        .collect()
}

/// Writes one word line with a placeholder tree (first word root, others attached to it).
fn word_line(
    out: &mut dyn Write,
    id: usize,
    form_text: &str,
    space_after: bool,
) -> std::io::Result<()> {
    let (head, rel) = if id == 1 { (0, "root") } else { (1, "dep") };
    let misc = if space_after { "_" } else { "SpaceAfter=No" };
    writeln!(
        out,
        "{id}\t{}\t_\t_\t_\t_\t{head}\t{rel}\t_\t{misc}",
        form(form_text)
    )
}

/// Writes `segmentation` of `text` as CoNLL-U: one block per sentence, with
/// `# sent_id` and `# text`.
pub fn write(
    out: &mut dyn Write,
    text: &str,
    segmentation: &Segmentation,
    style: Style,
) -> std::io::Result<()> {
    let slice = |a: usize, b: usize| text.get(a..b).unwrap_or("");
    for (si, sent) in segmentation.sentences.iter().enumerate() {
        writeln!(out, "# sent_id = {}", si + 1)?;
        let t: String = slice(sent.span.start, sent.span.end)
            .chars()
            .map(|c| if c.is_whitespace() { ' ' } else { c })
            .collect();
        writeln!(out, "# text = {t}")?;
        let tokens = segmentation.tokens.get(sent.tokens.clone()).unwrap_or(&[]);
        let mut id = 0usize;
        for (ti, tok) in tokens.iter().enumerate() {
            let next_start = tokens.get(ti + 1).map(|t| t.span.start);
            let tok_space = next_start.is_none_or(|s| s != tok.span.end);
            let segs = segmentation
                .segments
                .get(tok.segments.clone())
                .unwrap_or(&[]);
            match style {
                Style::Pud => {
                    for (k, seg) in segs.iter().enumerate() {
                        id += 1;
                        let last = k + 1 == segs.len();
                        let space = if last { tok_space } else { false };
                        word_line(out, id, slice(seg.span.start, seg.span.end), space)?;
                    }
                }
                Style::Padt => {
                    let misc = if tok_space { "_" } else { "SpaceAfter=No" };
                    if segs.len() > 1 {
                        writeln!(
                            out,
                            "{}-{}\t{}\t_\t_\t_\t_\t_\t_\t_\t{misc}",
                            id + 1,
                            id + segs.len(),
                            form(slice(tok.span.start, tok.span.end))
                        )?;
                        for seg in segs {
                            id += 1;
                            let f = seg
                                .form
                                .as_deref()
                                .unwrap_or_else(|| slice(seg.span.start, seg.span.end));
                            let (head, rel) = if id == 1 { (0, "root") } else { (1, "dep") };
                            writeln!(out, "{id}\t{}\t_\t_\t_\t_\t{head}\t{rel}\t_\t_", form(f))?;
                        }
                    } else {
                        id += 1;
                        word_line(out, id, slice(tok.span.start, tok.span.end), tok_space)?;
                    }
                }
            }
        }
        writeln!(out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::segmenter::Segmenter;
    use crate::segment::types::{CliticMode, SegmentOptions};

    /// `text` segmented with its clitics and written in `style`.
    fn conllu(text: &str, style: Style) -> String {
        let seg = Segmenter::embedded().unwrap();
        let s = seg.segment(
            text,
            &SegmentOptions {
                clitics: CliticMode::Clitics,
            },
        );
        let mut out = Vec::new();
        write(&mut out, text, &s, style).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn pud_style_writes_clitics_as_tokens_without_space() {
        let out = conllu("وقال الرئيس.", Style::Pud);
        assert!(
            out.contains("1\tو\t_\t_\t_\t_\t0\troot\t_\tSpaceAfter=No\n"),
            "{out}"
        );
        assert!(out.contains("2\tقال\t"), "{out}");
        assert!(out.contains("# text = وقال الرئيس."), "{out}");
    }

    #[test]
    fn padt_style_writes_multiword_tokens_with_restored_forms() {
        let out = conllu("للعاصمة", Style::Padt);
        assert!(out.contains("1-2\tللعاصمة\t"), "{out}");
        assert!(out.contains("2\tالعاصمة\t"), "{out}");
    }
}
