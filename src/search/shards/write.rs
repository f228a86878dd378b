//! Writing the index files from the term lists: term and dictionary shards (each written again
//! only when its terms changed), the note files and `meta.js`.

use super::*;

/// The merged index, as files.
#[derive(Debug, Clone, Default)]
pub struct Files {
    /// Site path and bytes of each file.
    pub files: Vec<(String, Shared)>,
    /// Whether each file is one the last call of [`files`] gave, as it was.
    pub same: Vec<bool>,
    /// Term shards.
    pub leaves: usize,
    /// Dictionary shards.
    pub dicts: usize,
    /// Note files.
    pub docs: usize,
    /// Distinct terms.
    pub terms: usize,
    /// Records (sections).
    pub records: usize,
}

fn is_filter(term: &str) -> bool {
    term.starts_with('#') || term.starts_with('/')
}

fn file_id(kind: &str, key: &str, taken: &mut HashSet<String>) -> String {
    let h = fnv128(&[kind, key]);
    let short = (h ^ (h >> 64)) as u32;
    let mut id = format!("{short:08x}");
    let mut n = 1;
    while !taken.insert(id.clone()) {
        id = format!("{short:08x}-{n}");
        n += 1;
    }
    id
}

/// The term shards a prefix's terms may be in, as `(first, last)` indexes, from the shards'
/// first terms (the same arithmetic as `search.js`).
pub fn leaf_range(firsts: &[&str], p: &str) -> (usize, usize) {
    let lo = firsts
        .partition_point(|f| js_cmp(f, p) != std::cmp::Ordering::Greater)
        .saturating_sub(1);
    let mut hi = lo;
    while hi + 1 < firsts.len() && firsts[hi + 1].starts_with(p) {
        hi += 1;
    }
    (lo, hi)
}

/// Which of `ranges` (consecutive, over positions) hold a position next to one of `points`
/// (each a place in the sorted positions where a changed term is or was).
fn dirty_ranges(ranges: &[(usize, usize)], points: &[usize]) -> Vec<bool> {
    let mut dirty = vec![false; ranges.len()];
    for &p in points {
        for q in [p.saturating_sub(1), p] {
            let k = ranges.partition_point(|&(from, _)| from <= q);
            if k > 0 {
                dirty[k - 1] = true;
            }
        }
    }
    dirty
}

/// Writes the index files: term and dictionary shards from the term lists, the note files
/// `docs` (one per note, in order; `docs_same` says which are those of the last call) and
/// `meta.js`, from each note's number of sections (`counts`, in order).
pub fn files(
    lists: &mut TermLists,
    counts: &[u32],
    docs: Vec<(String, Shared)>,
    docs_same: &[bool],
) -> Files {
    let TermLists {
        lists,
        order,
        summaries: summary_cache,
        written,
    } = lists;
    let before = std::mem::take(written);
    let records: u32 = counts.iter().sum();
    debug_assert_eq!(order.len(), lists.len(), "every term is in the order");
    let terms: &[Ordered] = order;
    let code = |term: &str| lists.get(term).map_or("", |(_, c)| c.as_str());
    let mut out = Files {
        terms: terms.len(),
        records: records as usize,
        ..Files::default()
    };
    let mut taken = HashSet::new();

    // Term shards.
    let mut leaves: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    let mut size = 0;
    for (i, o) in terms.iter().enumerate() {
        let entry = o.term.len() + o.code + 2;
        let cut = i > start && (size + entry > LEAF_MAX || (size >= LEAF_MIN && o.cut));
        if cut {
            leaves.push((start, i));
            start = i;
            size = 0;
        }
        size += entry;
    }
    if start < terms.len() {
        leaves.push((start, terms.len()));
    }
    // Where the changed terms are (or would be) among the sorted terms.
    let points: Vec<usize> = before
        .dirty
        .iter()
        .map(|t| terms.partition_point(|o| js_cmp(&o.term, t) == std::cmp::Ordering::Less))
        .collect();
    let dirty_leaves = dirty_ranges(&leaves, &points);
    let mut leaf_meta = Vec::new();
    for (k, &(from, to)) in leaves.iter().enumerate() {
        let id = file_id("leaf", &terms[from].term, &mut taken);
        let path = format!("{DIR}/i/{id}.js");
        let (first, last) = (terms[from].term.as_str(), terms[to - 1].term.as_str());
        if let Some((l, file)) = before.leaves.get(first)
            && !dirty_leaves[k]
            && l == last
            && file.0 == path
        {
            out.files.push(file.clone());
            out.same.push(true);
            written
                .leaves
                .insert(first.to_string(), (last.to_string(), file.clone()));
            leaf_meta.push((first, id));
            continue;
        }
        let mut body = String::new();
        let mut prev = "";
        for o in &terms[from..to] {
            encode::front_coded(&mut body, prev, &o.term);
            body.push(' ');
            body.push_str(code(&o.term));
            body.push(',');
            prev = &o.term;
        }
        let file = (
            path,
            Shared::new(format!("{REGISTER}(\"i\",\"{id}\",{});\n", js_string(&body)).into_bytes()),
        );
        written
            .leaves
            .insert(first.to_string(), (last.to_string(), file.clone()));
        out.files.push(file);
        out.same.push(false);
        leaf_meta.push((first, id));
    }
    out.leaves = leaves.len();

    // Dictionary shards (ranges of words, cut like the term shards), with the summaries of
    // prefixes too wide to load: a summary goes in the shard its prefix sorts into.
    let words: Vec<usize> = (0..terms.len())
        .filter(|&i| !is_filter(&terms[i].term))
        .collect();
    let mut dicts: Vec<(usize, usize)> = Vec::new();
    let (mut start, mut size) = (0, 0);
    for (k, &i) in words.iter().enumerate() {
        let term = &terms[i].term;
        let cut =
            k > start && (size + term.len() + 4 > DICT_MAX || (size >= DICT_MIN && terms[i].cut));
        if cut {
            dicts.push((start, k));
            start = k;
            size = 0;
        }
        size += term.len() + 4;
    }
    if start < words.len() {
        dicts.push((start, words.len()));
    }
    let dict_firsts: Vec<&str> = dicts
        .iter()
        .map(|&(from, _)| terms[words[from]].term.as_str())
        .collect();
    let firsts: Vec<&str> = leaf_meta.iter().map(|(f, _)| *f).collect();
    let mut summaries: Vec<String> = vec![String::new(); dicts.len()];
    let wide = wide_prefixes(&firsts);
    summary_cache.retain(|p, _| wide.contains(p));
    for p in wide {
        let shard = leaf_range(&dict_firsts, &p).0;
        let body = &mut summaries[shard];
        body.push_str(&p);
        body.push(' ');
        let code = summary_cache.entry(p).or_insert_with_key(|p| {
            let mut code = String::new();
            encode::postings(&mut code, &summary(terms, lists, p));
            code
        });
        body.push_str(code);
        body.push(',');
    }
    let word_points: Vec<usize> = points
        .iter()
        .map(|&p| words.partition_point(|&i| i < p))
        .collect();
    let dirty_dicts = dirty_ranges(&dicts, &word_points);
    let mut dict_meta = Vec::new();
    for (k, (&(from, to), sums)) in dicts.iter().zip(&summaries).enumerate() {
        let first = terms[words[from]].term.as_str();
        let last = terms[words[to - 1]].term.as_str();
        let id = file_id("dict", first, &mut taken);
        let path = format!("{DIR}/t/{id}.js");
        if let Some((l, old_sums, file)) = before.dicts.get(first)
            && !dirty_dicts[k]
            && l == last
            && old_sums == sums
            && file.0 == path
        {
            out.files.push(file.clone());
            out.same.push(true);
            written.dicts.insert(
                first.to_string(),
                (last.to_string(), sums.clone(), file.clone()),
            );
            dict_meta.push((first, id));
            continue;
        }
        let mut entries = String::new();
        let mut prev = "";
        for &i in &words[from..to] {
            let Ordered { term, records, .. } = &terms[i];
            encode::front_coded(&mut entries, prev, term);
            entries.push(' ');
            encode::varint(&mut entries, *records as u32);
            entries.push(',');
            prev = term;
        }
        let file = (
            path,
            Shared::new(
                format!(
                    "{REGISTER}(\"t\",\"{id}\",{},{});\n",
                    js_string(&entries),
                    js_string(sums)
                )
                .into_bytes(),
            ),
        );
        written.dicts.insert(
            first.to_string(),
            (last.to_string(), sums.clone(), file.clone()),
        );
        out.files.push(file);
        out.same.push(false);
        dict_meta.push((first, id));
    }
    out.dicts = dicts.len();

    out.docs = docs.len();
    out.files.extend(docs);
    out.same.extend(docs_same);
    out.same.resize(out.files.len(), false);

    let mut encoded = String::with_capacity(counts.len());
    for &count in counts {
        encode::varint(&mut encoded, count);
    }
    let meta = serde_json::json!({
        "version": 1,
        "notes": counts.len(),
        "records": records,
        "counts": encoded,
        "leaves": leaf_meta,
        "dicts": dict_meta,
        "prefixShards": PREFIX_SHARDS,
    });
    out.files.push((
        format!("{DIR}/meta.js"),
        Shared::new(format!("{REGISTER}(\"m\",\"\",{meta});\n").into_bytes()),
    ));
    out.same.push(false);
    out
}

/// Prefixes (of words, not filters) whose terms span more than [`PREFIX_SHARDS`] term shards.
fn wide_prefixes(firsts: &[&str]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for f in firsts.iter().skip(1).filter(|f| !is_filter(f)) {
        let mut p = String::new();
        for c in f.chars() {
            p.push(c);
            if out.contains(&p) {
                continue;
            }
            let (lo, hi) = leaf_range(firsts, &p);
            if hi - lo + 1 > PREFIX_SHARDS {
                out.insert(p.clone());
            } else {
                break;
            }
        }
    }
    out
}

/// The best records for prefix `p`: highest impact first, then site order.
fn summary(terms: &[Ordered], lists: &Lists, p: &str) -> Vec<(u32, u8)> {
    let from = terms.partition_point(|o| js_cmp(&o.term, p) == std::cmp::Ordering::Less);
    let range: Vec<&Postings> = terms[from..]
        .iter()
        .take_while(|o| o.term.starts_with(p))
        .filter_map(|o| lists.get(&o.term).map(|(postings, _)| postings))
        .collect();
    let mut chosen: Vec<(u32, u8)> = Vec::new();
    let mut seen: HashSet<u32> = HashSet::new();
    for level in (1..=7u8).rev() {
        let mut found: Vec<u32> = Vec::new();
        for postings in &range {
            found.extend(
                postings
                    .iter()
                    .filter(|(_, w)| *w == level)
                    .map(|(r, _)| *r),
            );
        }
        found.sort_unstable();
        found.dedup();
        for r in found {
            if chosen.len() == SUMMARY_RECORDS {
                break;
            }
            if seen.insert(r) {
                chosen.push((r, level));
            }
        }
        if chosen.len() == SUMMARY_RECORDS {
            break;
        }
    }
    chosen.sort_unstable();
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_spans_the_shards_whose_first_terms_it_starts() {
        let firsts = ["#a", "apple", "ret", "retry", "retz", "s"];
        assert_eq!(leaf_range(&firsts, "re"), (1, 4));
        assert_eq!(leaf_range(&firsts, "retr"), (2, 3));
        assert_eq!(leaf_range(&firsts, "b"), (1, 1));
        assert_eq!(leaf_range(&firsts, "0"), (0, 0));
    }
}
