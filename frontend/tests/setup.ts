/** jsdom lacks what Recharts measures with: give every container a size, or charts draw nothing. */

import "@testing-library/jest-dom/vitest";

import { cleanup, configure } from "@testing-library/react";
import { afterEach } from "vitest";

const WIDTH = 640;
const HEIGHT = 320;

class SizedResizeObserver {
  constructor(private readonly callback: ResizeObserverCallback) {}
  observe(target: Element) {
    const rect = { width: WIDTH, height: HEIGHT, top: 0, left: 0, bottom: HEIGHT, right: WIDTH, x: 0, y: 0 };
    this.callback(
      [{ target, contentRect: { ...rect, toJSON: () => rect } } as unknown as ResizeObserverEntry],
      this as unknown as ResizeObserver,
    );
  }
  unobserve() {}
  disconnect() {}
}

globalThis.ResizeObserver = SizedResizeObserver as unknown as typeof ResizeObserver;
Object.defineProperties(HTMLElement.prototype, {
  clientWidth: { configurable: true, get: () => WIDTH },
  clientHeight: { configurable: true, get: () => HEIGHT },
  offsetWidth: { configurable: true, get: () => WIDTH },
  offsetHeight: { configurable: true, get: () => HEIGHT },
});
HTMLElement.prototype.getBoundingClientRect = function () {
  const rect = { width: WIDTH, height: HEIGHT, top: 0, left: 0, bottom: HEIGHT, right: WIDTH, x: 0, y: 0 };
  return { ...rect, toJSON: () => rect } as DOMRect;
};

// Lazily loaded parts (the results) take a moment to import when every test file runs at once.
configure({ asyncUtilTimeout: 5000 });

afterEach(cleanup);
