import { accountKind, baseWords, chance, countOf, dollars, wholeDollars, duration, integer, percent, points } from "@/lib/format";

describe("formatting rules", () => {
  it("writes amounts in whole dollars with thousands separators, prices in cents", () => {
    expect(dollars(33605.64)).toBe("$33,606");
    expect(dollars(1250000)).toBe("$1,250,000");
    expect(dollars(412.5, true)).toBe("$412.50");
  });

  it("writes every share with one decimal and a thousands separator", () => {
    expect(percent(74.44)).toBe("74.4%");
    expect(percent(70)).toBe("70.0%");
    expect(percent(1234.5)).toBe("1,234.5%");
    expect(chance(0.194)).toBe("19.4%");
    expect(chance(1)).toBe("100.0%");
  });

  it("writes ages, years and counts as whole numbers", () => {
    expect(integer(78.0)).toBe("78");
    expect(integer(10000)).toBe("10,000");
  });

  it("rounds amounts to whole dollars that add up to their total as shown", () => {
    // Each rounded alone: $11,494 + $3,629 = $15,123, a dollar over the total's $15,122.
    const amounts = [11493.5, 3628.6];
    expect(dollars(11493.5 + 3628.6)).toBe("$15,122");
    expect(wholeDollars(amounts)).toEqual([11493, 3629]);
    expect(wholeDollars([135907.15, 0])).toEqual([135907, 0]);
    expect(wholeDollars([0.6, 0.6, 0.6])).toEqual([1, 1, 0]);
  });

  it("says an account's type under its name only when the name does not say it", () => {
    const account = { account_name: "401k", account_type: "401k", account_purpose: "Employer retirement plan" } as const;
    expect(accountKind(account)).toBe("Employer retirement plan");
    expect(accountKind({ ...account, account_name: "Taxable brokerage", account_type: "taxable" })).toBe("Employer retirement plan");
    expect(accountKind({ ...account, account_name: "Work plan" })).toBe("401(k) · Employer retirement plan");
    expect(accountKind({ ...account, account_name: "Work plan", account_purpose: "" })).toBe("401(k)");
  });

  it("names the base of a share, as classified while some holdings are not", () => {
    expect(baseWords("total", true)).toBe("of classified holdings and cash");
    expect(baseWords("invested", true)).toBe("of classified holdings");
    expect(baseWords("total", false)).toBe("of holdings and cash");
    expect(baseWords("invested", false)).toBe("of holdings");
  });

  it("writes a drift in signed percentage points, zero without a sign", () => {
    expect(points(4.44)).toBe("+4.4");
    expect(points(-2)).toBe("\u22122.0");
    expect(points(0.04)).toBe("0.0");
    expect(points(-0.04)).toBe("0.0");
  });

  it("rounds as the backend's prose does: the exact binary value, an exact tie to even", () => {
    // 0.1945 * 100 is 19.4499999…: down, as Python's f"{x:.1f}" (Intl would say 19.5).
    expect(chance(0.1945)).toBe("19.4%");
    // 12.25 and 0.25 are exact ties: to the even digit, as Python (toFixed would go up).
    expect(percent(12.25)).toBe("12.2%");
    expect(percent(12.35)).toBe("12.3%");
    expect(percent(0.75)).toBe("0.8%");
    expect(dollars(33604.5)).toBe("$33,604");
    expect(dollars(33605.5)).toBe("$33,606");
    expect(dollars(-1200.4)).toBe("-$1,200");
    expect(dollars(-0.4)).toBe("$0");
  });

  it("counts with the unit, singular for one", () => {
    expect(countOf(3, 3, "holding")).toBe("3 of 3 holdings");
    expect(countOf(0, 1, "holding")).toBe("0 of 1 holding");
    expect(countOf(1200, 1500, "path")).toBe("1,200 of 1,500 paths");
  });

  it("says an elapsed time as a person would", () => {
    expect(duration(1480)).toBe("1.5 s");
    expect(duration(42_300)).toBe("42 s");
    expect(duration(125_000)).toBe("2 min 5 s");
    expect(duration(120_000)).toBe("2 min");
    expect(duration(20)).toBe("under 0.1 s");
    expect(duration(-5)).toBe("under 0.1 s");
    expect(duration(60)).toBe("0.1 s");
  });
});
