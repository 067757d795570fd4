/**
 * A symbol field that suggests known instruments as you type (ARIA combobox: arrows move, Enter
 * picks, Escape closes). Any symbol may be entered: an unknown one is classified by the next analysis
 * when a language model is configured (`classifies`), and says so when none is.
 */

import { useEffect, useId, useState, type KeyboardEvent } from "react";

import type { Instrument } from "@/lib/types";
import { useApi } from "@/lib/useApi";

const DEBOUNCE_MS = 200;

export function SymbolInput({
  value,
  onChange,
  classifies,
}: {
  value: string;
  onChange: (symbol: string) => void;
  classifies: boolean;
}) {
  const api = useApi();
  const listId = useId();
  const [suggestions, setSuggestions] = useState<Instrument[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);

  const query = value.trim();
  useEffect(() => {
    if (!query) return;
    let live = true;
    const timer = setTimeout(() => {
      api
        .instruments(query)
        .then((found) => live && setSuggestions(found.slice(0, 8)))
        .catch(() => live && setSuggestions([]));
    }, DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, query]);
  // What was found for an earlier text is not shown once the field is empty.
  const shown = query ? suggestions : [];

  function pick(instrument: Instrument) {
    onChange(instrument.symbol);
    setOpen(false);
    setActive(-1);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === "ArrowDown" && shown.length) {
      event.preventDefault();
      setOpen(true);
      setActive((i) => (i + 1) % shown.length);
    } else if (event.key === "ArrowUp" && shown.length) {
      event.preventDefault();
      setActive((i) => (i <= 0 ? shown.length - 1 : i - 1));
    } else if (event.key === "Enter" && open && active >= 0 && shown[active]) {
      event.preventDefault();
      pick(shown[active]!);
    } else if (event.key === "Escape") {
      setOpen(false);
    }
  }

  const showList = open && shown.length > 0;
  const known = shown.some((instrument) => instrument.symbol === value.trim().toUpperCase());
  return (
    <div className="relative">
      <label className="block text-sm font-medium text-slate-700">
        Symbol
        <input
          role="combobox"
          aria-expanded={showList}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={showList && active >= 0 ? `${listId}-${active}` : undefined}
          autoComplete="off"
          required
          maxLength={12}
          placeholder="e.g. VTI"
          value={value}
          onChange={(event) => {
            onChange(event.target.value.toUpperCase());
            setOpen(true);
            setActive(-1);
          }}
          onKeyDown={onKeyDown}
          onBlur={() => setTimeout(() => setOpen(false), 150)}
          className="mt-1 block w-full rounded-lg border border-slate-300 px-3 py-2 uppercase placeholder:normal-case"
        />
      </label>
      {value.trim() && !known && !showList && (
        <p className="mt-1 text-xs text-slate-500">
          {classifies
            ? "Not a known symbol yet: it will be added and classified by the next analysis."
            : "Not a known symbol yet: it will be added, but not classified (no language model is configured)."}
        </p>
      )}
      <ul
        id={listId}
        role="listbox"
        aria-label="Matching instruments"
        hidden={!showList}
        className="absolute z-10 mt-1 max-h-64 w-full overflow-auto rounded-lg border border-slate-200 bg-white shadow-lg"
      >
        {shown.map((instrument, index) => (
          <li
            key={instrument.symbol}
            id={`${listId}-${index}`}
            role="option"
            aria-selected={index === active}
            onMouseDown={(event) => {
              event.preventDefault();
              pick(instrument);
            }}
            className={`cursor-pointer px-3 py-2 text-sm ${index === active ? "bg-sky-100" : "hover:bg-slate-50"}`}
          >
            <span className="font-semibold">{instrument.symbol}</span>{" "}
            <span className="text-slate-600">{instrument.name}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
