// Files the service sends as attachments (the mappings' CSV, the bundle's zip), saved by the
// browser under the name the service gives.

// The file name a `Content-Disposition` header gives (`filename*=UTF-8''...` first, then
// `filename=`), or the fallback; never a path, and ending in `extension` when one is given.
export function fileNameOf(disposition: string | null, fallback: string, extension = ''): string {
  let name = '';
  const star = disposition ? /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition) : null;
  if (star) {
    try {
      name = decodeURIComponent(star[1].trim());
    } catch {
      name = '';
    }
  }
  if (!name && disposition) {
    const plain = /filename\s*=\s*"([^"]*)"|filename\s*=\s*([^;]+)/i.exec(disposition);
    name = (plain?.[1] ?? plain?.[2] ?? '').trim();
  }
  if (!name) return fallback;
  name = name.replace(/[/\\]/g, '_');
  return extension && !name.toLowerCase().endsWith(extension) ? `${name}${extension}` : name;
}

// Saves the answer's body as a download; returns the file's name.
export async function saveDownload(response: Response, fallback: string, extension = ''): Promise<string> {
  const blob = await response.blob();
  const name = fileNameOf(response.headers.get('Content-Disposition'), fallback, extension);
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}
