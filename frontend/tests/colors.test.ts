import { readFileSync } from "node:fs";
import path from "node:path";

import { BAR_HUE, colorFor, HUES, NEUTRALS, ORDERS } from "@/lib/colors";

const root = path.resolve(import.meta.dirname, "../..");
const python = (file: string) => readFileSync(path.join(root, file), "utf8");

/** The quoted strings of a Python assignment or Literal, in order. */
function strings(source: string, start: RegExp): string[] {
  const from = source.search(start);
  expect(from, `${start} in the Python source`).toBeGreaterThanOrEqual(0);
  const block = source.slice(from);
  return [...block.slice(0, block.search(/[)\]]/)).matchAll(/"([^"]+)"/g)].map((match) => match[1]!);
}

describe("colours", () => {
  it("are the backend's: the same hues, greys and category orders as the charts it builds", () => {
    const colors = python("shared/analytics/colors.py");
    expect(HUES).toEqual([...strings(colors, /^OKABE_ITO/m), ...strings(colors, /^TOL_MUTED/m)]);
    const greys = [...colors.slice(colors.indexOf("NEUTRALS")).matchAll(/"(#[0-9A-F]{6})"/g)].map((m) => m[1]);
    expect(Object.values(NEUTRALS)).toEqual(greys.slice(0, 4));

    const schemas = python("shared/schemas.py");
    expect(ORDERS.asset_class).toEqual(strings(schemas, /^AssetClass = Literal\[/m));
    expect(ORDERS.region).toEqual(strings(schemas, /^Region = Literal\[/m));
    expect(ORDERS.sector).toEqual(strings(schemas, /^Sector = Literal\[/m));
  });

  it("give a category one colour whatever its place in a chart, and cash one grey everywhere", () => {
    expect(colorFor("asset_class", "equity", 3)).toBe("#0072B2");
    expect(colorFor("asset_class", "fixed_income")).toBe("#E69F00");
    expect(colorFor("region", "europe", 0)).toBe("#009E73");
    expect(colorFor("sector", "consumer_discretionary")).toBe("#D55E00");
    for (const dimension of ["asset_class", "region", "sector"] as const) expect(colorFor(dimension, "cash")).toBe("#BBBBBB");
    expect(colorFor("sector", "other")).toBe("#777777");
    // Off the lists (an account, a holding), the place in the chart picks the hue.
    expect(colorFor("region", "international", 2)).toBe(HUES[2]);
    expect(BAR_HUE).toBe("#0072B2");
  });
});
