import type { SummarySpec } from '@tracker/projections';

/** Counts by colour: the summary the summaries' specs keep over rows that each have one colour. */
export type ColourCounts = Record<string, number>;

/** A summary spec counting rows by `colour`, grouped by `ordinalOf(row)` (null: counted nowhere). */
export const colourCounts = <TRow extends { readonly colour: string }>(
  ordinalOf: (row: TRow) => number | null,
  fanOut: readonly number[],
): SummarySpec<TRow, ColourCounts> => ({
  slotOf: (row) => {
    const ordinal = ordinalOf(row);
    return ordinal === null ? null : { space: 'x', ordinal };
  },
  fanOut,
  summarize: (rows) => {
    const out: ColourCounts = {};
    for (const r of rows) out[r.colour] = (out[r.colour] ?? 0) + 1;
    return out;
  },
  merge: (parts) => {
    const out: ColourCounts = {};
    for (const p of parts) for (const [k, n] of Object.entries(p)) out[k] = (out[k] ?? 0) + n;
    return out;
  },
});
