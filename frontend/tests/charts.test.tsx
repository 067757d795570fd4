import { render, screen, within } from "@testing-library/react";

import { ChartView } from "@/components/ChartView";
import type { ChartType } from "@/lib/types";

import { ASSET_ALLOCATION } from "./fixtures";

describe("ChartView", () => {
  it.each<ChartType>(["pie", "donut", "bar", "horizontalBar"])(
    "draws a %s chart with every point in the payload's colours",
    (type) => {
      const { container } = render(<ChartView id="asset_allocation" chart={{ ...ASSET_ALLOCATION, type }} />);

      const figure = screen.getByRole("figure", { name: "Asset allocation" });
      expect(figure).toHaveAccessibleDescription("Where the money is, by asset class.");
      expect(figure).toHaveAttribute("data-chart-type", type);
      expect(screen.getByRole("img", { name: /Asset allocation: Equity 70\.0%, Fixed income 25\.0%, Cash 5\.0%/ })).toBeInTheDocument();

      const legend = within(figure).getAllByRole("listitem");
      expect(legend.map((item) => item.textContent)).toEqual([
        "Equity$70,000 · 70.0%",
        "Fixed income$25,000 · 25.0%",
        "Cash$5,000 · 5.0%",
      ]);

      const shapes = type === "pie" || type === "donut" ? ".recharts-pie-sector path" : ".recharts-bar-rectangle path";
      const fills = [...container.querySelectorAll(shapes)].map((shape) => shape.getAttribute("fill"));
      expect(fills).toEqual(["#0072B2", "#E69F00", "#009E73"]);
    },
  );

  it("leaves a hole in a donut and none in a pie", () => {
    const { container: donut } = render(<ChartView id="d" chart={{ ...ASSET_ALLOCATION, type: "donut" }} />);
    const { container: pie } = render(<ChartView id="p" chart={ASSET_ALLOCATION} />);
    const path = (root: HTMLElement) => root.querySelector(".recharts-pie-sector path")!.getAttribute("d")!;
    // A donut's sectors trace an inner arc back (two arcs); a pie's close at the centre (one).
    expect(path(donut).match(/A/g)!.length).toBeGreaterThan(path(pie).match(/A/g)!.length);
  });
});
