import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { SettingsForm } from "@/components/SettingsForm";
import type { User } from "@/lib/types";

const USER: User = {
  clerk_user_id: "test_user_001",
  display_name: "Demo Investor",
  years_until_retirement: 25,
  target_retirement_income: 80000,
  current_age: 40,
  annual_contribution: 12000,
  asset_class_targets: { equity: 70, fixed_income: 30 },
  region_targets: { north_america: 50, international: 50 },
};

async function setField(label: string, value: string) {
  const field = screen.getByLabelText(label);
  await userEvent.clear(field);
  if (value) await userEvent.type(field, value);
}

describe("SettingsForm", () => {
  it("refuses asset-class targets that do not sum to 100", async () => {
    const onSave = vi.fn(async () => {});
    render(<SettingsForm user={USER} onSave={onSave} />);

    await setField("Equity (%)", "60");
    // Said as it is typed, under the targets, before any save.
    expect(screen.getByText("Adds up to 90%: targets must add up to 100%.")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Save settings" }));

    expect(screen.getByRole("alert")).toHaveTextContent("Asset-class targets add up to 90%: they must add up to 100%.");
    expect(onSave).not.toHaveBeenCalled();
  });

  it("refuses region targets that do not sum to 100", async () => {
    const onSave = vi.fn(async () => {});
    render(<SettingsForm user={USER} onSave={onSave} />);

    await setField("International (%)", "60");
    await userEvent.click(screen.getByRole("button", { name: "Save settings" }));

    expect(screen.getByRole("alert")).toHaveTextContent("Region targets add up to 110%");
    expect(onSave).not.toHaveBeenCalled();
  });

  it("refuses 'international' beside the regions it already covers", async () => {
    const onSave = vi.fn(async () => {});
    render(<SettingsForm user={USER} onSave={onSave} />);

    await setField("International (%)", "30");
    await setField("Europe (%)", "20");
    await userEvent.click(screen.getByRole("button", { name: "Save settings" }));

    expect(screen.getByRole("alert")).toHaveTextContent("already covers every region outside North America");
    expect(onSave).not.toHaveBeenCalled();
  });

  it("saves targets that sum to 100, leaving out the zeros", async () => {
    const onSave = vi.fn(async () => {});
    render(<SettingsForm user={USER} onSave={onSave} />);

    await setField("Equity (%)", "60");
    await setField("Real estate (%)", "10");
    await setField("Name", "Ada");
    await userEvent.click(screen.getByRole("button", { name: "Save settings" }));

    expect(onSave).toHaveBeenCalledWith({
      display_name: "Ada",
      years_until_retirement: 25,
      target_retirement_income: 80000,
      current_age: 40,
      annual_contribution: 12000,
      asset_class_targets: { equity: 60, fixed_income: 30, real_estate: 10 },
      region_targets: { north_america: 50, international: 50 },
    });
    expect(await screen.findByText("Saved.")).toBeInTheDocument();
    expect(screen.getByText("Adds up to 100%.", { selector: "fieldset:first-of-type p" })).toBeInTheDocument();
  });
});
