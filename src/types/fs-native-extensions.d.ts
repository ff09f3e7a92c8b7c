/** The part of fs-native-extensions (no bundled types) that src/store/lock.ts uses. */
declare module "fs-native-extensions" {
  /** Takes an exclusive (or, with `shared`, a shared) lock on the whole file; false if another holder has it. */
  export function tryLock(fd: number, options?: { shared?: boolean }): boolean;
  export function unlock(fd: number): void;
  const nativeFs: { tryLock: typeof tryLock; unlock: typeof unlock };
  export default nativeFs;
}
