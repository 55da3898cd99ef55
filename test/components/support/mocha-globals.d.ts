// The browser tests run under mocha (wtr's default framework); these are the few globals they use, since
// @types/mocha is not a dependency and the tsconfig only loads node's types.
export {};

declare global {
  interface MochaContext {
    timeout(ms: number): void;
  }
  function describe(title: string, body: () => void): void;
  function it(title: string, body: (this: MochaContext) => unknown): void;
  function before(body: (this: MochaContext) => unknown): void;
  function after(body: (this: MochaContext) => unknown): void;
  function beforeEach(body: (this: MochaContext) => unknown): void;
  function afterEach(body: (this: MochaContext) => unknown): void;
}
