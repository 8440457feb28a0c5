/** True when `error` says that `packageName` itself (not something inside it) could not be found. */
export function isPackageMissing(error: unknown, packageName: string): boolean {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  return new RegExp(`['"]${packageName.replace(/[/.]/g, '\\$&')}['"/]`).test(message ?? '');
}
