//! A fixture vault, in our own words, that uses every element the theme draws: tables, task
//! lists, callouts, code in several languages, diagrams, math, images, embeds, footnotes,
//! link maps, topics, tags and flashcards. The checkers run over its output.

use super::Fixture;

const DIAGRAM_SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40" width="120" height="40"><rect x="1" y="1" width="118" height="38" fill="#eef" stroke="#336"/><text x="60" y="25" text-anchor="middle" font-size="12">tiers</text></svg>"##;

const KITCHEN: &str = r#"---
title: Storage tiers
tags: [storage, exam/tip]
description: Every element of a note on one page.
---
# Storage tiers

Contents:

1. [Content](#content)
2. [Costs](#costs)
3. [Checklist](#checklist)

Hot data lives on [[Block storage|block volumes]], cold data in [[Archive]]. The
[vendor guide](https://example.com/guide) has the limits, and `gp3` is the default.[^1]

## Content

A heading whose text is the same as the page's main region. ==Highlighted== words.

| Tier | Latency | Cost per GB | Durability | Replication | Typical use | Minimum stay |
| --- | --- | ---: | --- | --- | --- | --- |
| Hot | milliseconds | 0.10 | eleven nines across zones | synchronous | databases and boot disks | none |
| Cold | hours | 0.004 | eleven nines across zones | asynchronous | compliance archives | 90 days |

## Costs

> [!tip] Cheaper in bulk
> Moving old data down a tier cuts the bill.

> [!warning] Retrieval fees
> Reading archived data costs more than storing it.

> [!note] Note
> A plain note callout with a [link to the archive](Archive.md).

> [!danger]- Deleting too early
> A cold object removed before its minimum stay is billed for the rest.

> [!info] Info
> Prices differ by region.

```python
# the monthly bill
def bill(gb: float, rate: float = 0.10) -> float:
    return gb * rate  # dollars
```

```json
{"tier": "cold", "days": 90, "restore": true, "note": null}
```

```bash
# copy to the archive
aws s3 cp ./logs s3://archive/ --recursive --storage-class GLACIER
```

```rust
/// Days until an object may move.
fn days_left(age: u32) -> u32 { 30u32.saturating_sub(age) } // none when old
```

```yaml
# lifecycle
rules:
  - after: 30
    to: cold
```

The cost of $n$ gigabytes is $$c = n \times r$$ per month.

## Checklist

- [x] Tag hot volumes
- [ ] Move logs older than a month
- [ ] Check the restore time

```mermaid
flowchart LR
    hot[Hot tier] --> warm[Warm tier]
    warm --> cold[Cold tier]
```

![[tiers.svg|The three tiers side by side]]

![A drawing of the tiers](tiers.svg)

![[tiers.svg]]

## What is a cold tier? #card

Storage for data read less than once a quarter.

## Embedded

![[Archive#Restores]]

[^1]: Prices as of this year.
"#;

const ARCHIVE: &str = r#"---
tags: [storage]
---
# Archive

Cheap storage for data nobody reads. See [[Storage tiers#Costs]].

## Storage tiers

The archive is the coldest of the storage tiers.

## Restores

Getting data back takes hours.

### Expedited restores

Minutes, at a price.

Restore speed::Hours, or minutes when expedited
"#;

const BLOCK: &str = r#"---
tags: [storage]
---
# Block storage

Disks attached to one machine. [[Storage tiers]] compares them with the archive.

## Storage tiers

Block volumes are the hot tier.

![[Archive]]
"#;

/// The pages of [`every_element`]'s site that show each kind of element.
pub const PAGES: &[&str] = &[
    "",
    "storage/",
    "storage/storage-tiers/",
    "storage/archive/",
    "storage/block-storage/",
    "topics/",
    "topics/storage-tiers/",
    "tags/",
    "tags/storage/",
    "graph/",
    "cards/",
    "cards/deck/storage/",
    "search/?q=tier",
];

/// A site that uses every element the default theme styles (not yet built).
pub fn every_element() -> Fixture {
    let site = Fixture::new();
    site.file(
        "studysite.toml",
        "title = \"Every element\"\ndescription = \"A fixture vault for the checkers\"\n",
    )
    .note("storage/Storage tiers.md", KITCHEN)
    .note("storage/Archive.md", ARCHIVE)
    .note("storage/Block storage.md", BLOCK)
    .note("storage/tiers.svg", DIAGRAM_SVG)
    .note(
        "_index.md",
        "# Every element\n\nStart with [[Storage tiers]].\n",
    );
    site
}
