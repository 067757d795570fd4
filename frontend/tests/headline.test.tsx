import { render, screen, within } from "@testing-library/react";

import { changedSince, Headline } from "@/components/Headline";
import type { RetirementPayload, VerdictLevel } from "@/lib/types";

function retirement(level?: VerdictLevel, probability = 0.1945): RetirementPayload {
  return {
    narrative: "",
    projection: {
      success_probability: probability,
      target_income: 80000,
      sustainable_income: 25465,
      median_depletion_year: null,
      median_depletion_age: null,
      years_until_retirement: 25,
      retirement_years: 30,
      retirement_age: 65,
      bands: [],
    },
    verdict: level && { level, success_probability: probability, chance_words: "about 1 in 5" },
    improvements: [
      { kind: "contribute_more", label: "Contribute $20,000 more a year", detail: "From 19.4% to 58.1% (about 3 in 5).", success_probability: 0.581 },
      { kind: "retire_later", label: "Retire 5 years later, at 70", detail: "From 19.4% to 45.2% (about 1 in 2).", success_probability: 0.452 },
    ],
  };
}

describe("headline", () => {
  it.each([
    ["on_track", "On track", "emerald"],
    ["at_risk", "At risk", "amber"],
    ["off_track", "Off track", "red"],
  ] as const)("shows %s as a coloured verdict in words", (level, words, colour) => {
    const { container } = render(<Headline retirement={retirement(level)} findings={[]} />);
    const verdict = container.querySelector(`[data-verdict="${level}"]`)!;
    expect(verdict).toHaveTextContent(words);
    expect(verdict.className).toContain(`bg-${colour}-50`);
  });

  it("says the chance in words, with its figure once, and the target in whole dollars", () => {
    render(<Headline retirement={retirement("off_track")} findings={[]} />);
    expect(screen.getByText(/lasts through retirement/)).toHaveTextContent(
      "Your target income of $80,000 a year lasts through retirement in about 1 in 5 simulated markets (19.4%).",
    );
  });

  it("lists what would help most, best first, each with the chance it reaches", () => {
    render(<Headline retirement={retirement("off_track")} findings={[]} />);
    const list = within(screen.getByRole("region", { name: "At a glance" })).getAllByRole("listitem");
    expect(list.map((item) => item.textContent)).toEqual([
      "Contribute $20,000 more a year58.1% chanceFrom 19.4% to 58.1% (about 3 in 5).",
      "Retire 5 years later, at 7045.2% chanceFrom 19.4% to 45.2% (about 1 in 2).",
    ]);
  });

  it("shows the portfolio's findings", () => {
    render(<Headline retirement={null} findings={["Equity is 74.4% of invested, 4.4 points over target."]} />);
    expect(screen.getByText("Equity is 74.4% of invested, 4.4 points over target.")).toBeInTheDocument();
    expect(screen.queryByText(/lasts through retirement/)).toBeNull();
  });

  it("falls back to the chance alone for a projection stored without a verdict", () => {
    render(<Headline retirement={retirement(undefined, 0.873)} findings={[]} />);
    expect(screen.getByText(/lasts through retirement/)).toHaveTextContent("in 87.3% of simulated markets");
    expect(screen.queryByText(/On track|At risk|Off track/)).toBeNull();
  });
});

describe("changedSince", () => {
  const settings = {
    years_until_retirement: 25,
    target_retirement_income: 80000,
    annual_contribution: 20000,
    current_age: 40,
    asset_class_targets: { equity: 70, fixed_income: 30 },
    region_targets: { north_america: 60, international: 40 },
  } as const;
  const user = { clerk_user_id: "u", display_name: "Test User", ...settings };
  const summary = { text: "", total_value: 135907.15, settings };

  it("names each setting and the value that changed since the analysis", () => {
    expect(changedSince(summary, user, 135907.15)).toEqual([]);
    // Targets compare as maps, whatever their keys' order.
    expect(changedSince(summary, { ...user, asset_class_targets: { fixed_income: 30, equity: 70 } }, 135907.15)).toEqual([]);
    expect(changedSince(summary, { ...user, target_retirement_income: 60000, region_targets: { north_america: 100 } }, 138206)).toEqual([
      "target income",
      "region targets",
      "portfolio's value",
    ]);
  });

  it("compares nothing it does not know: an older analysis's settings, or a value not loaded", () => {
    expect(changedSince({ text: "", total_value: 1 }, { ...user, current_age: 41 }, null)).toEqual([]);
    expect(changedSince(summary, null, 1)).toEqual(["portfolio's value"]);
  });
});
