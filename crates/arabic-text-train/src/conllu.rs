//! Reading of gold CoNLL-U files for evaluation (the writer is the core's
//! `segment::conllu`).

/// One sentence of a gold CoNLL-U file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GoldSentence {
    /// The `# newdoc id` in force for the sentence.
    pub doc_id: String,
    /// The `# text` comment.
    pub text: String,
    /// The sentence block exactly as in the file (comments and lines, no blank line).
    pub block: String,
}

/// Reads the sentences of a CoNLL-U file.
pub fn read_gold(conllu: &str) -> Vec<GoldSentence> {
    let mut out = Vec::new();
    let mut doc = String::new();
    let mut cur = GoldSentence::default();
    let mut in_block = false;
    for line in conllu.lines() {
        if line.trim().is_empty() {
            if in_block {
                cur.doc_id.clone_from(&doc);
                out.push(std::mem::take(&mut cur));
                in_block = false;
            }
            continue;
        }
        in_block = true;
        if let Some(id) = line.strip_prefix("# newdoc id =") {
            doc = id.trim().to_owned();
        } else if let Some(t) = line.strip_prefix("# text =") {
            cur.text = t.trim().to_owned();
        } else if line.starts_with("# newdoc") {
            doc.clear();
        }
        cur.block.push_str(line);
        cur.block.push('\n');
    }
    if in_block {
        cur.doc_id = doc;
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gold_reader_keeps_doc_ids_and_texts() {
        let gold = "# newdoc id = n1\n# text = أ ب\n1\tأ\t_\t_\t_\t_\t0\troot\t_\t_\n\n# newdoc id = n2\n# text = ج\n1\tج\t_\t_\t_\t_\t0\troot\t_\t_\n";
        let s = read_gold(gold);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].doc_id, "n1");
        assert_eq!(s[1].text, "ج");
        assert!(s[1].block.ends_with("root\t_\t_\n"));
    }
}
