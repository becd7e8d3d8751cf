import type { Language } from './i18n/i18n';

/** A field-level reason from a problem+json answer (`path` as the API names the field, e.g. `evidence.0.link`). */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

/** An RFC 9457 problem the API answered, or a network failure (status 0). */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
    readonly detail: string | null,
    readonly errors: readonly FieldError[],
  ) {
    super(detail ?? title);
  }
}

const isFieldError = (v: unknown): v is FieldError =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as { path?: unknown }).path === 'string' &&
  typeof (v as { message?: unknown }).message === 'string';

const problemOf = async (res: Response): Promise<ApiProblem> => {
  const body: unknown = await res.json().catch(() => null);
  const p = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  return new ApiProblem(
    res.status,
    typeof p.type === 'string' ? p.type : 'about:blank',
    typeof p.title === 'string' ? p.title : res.statusText,
    typeof p.detail === 'string' ? p.detail : null,
    Array.isArray(p.errors) ? p.errors.filter(isFieldError) : [],
  );
};

export interface ApiOptions {
  readonly token: string | null;
  readonly language: Language;
  /** Called on a 401: the token expired or was revoked; the app signs out. */
  readonly onUnauthenticated: () => void;
}

export interface ApiClient {
  readonly get: <T>(path: string, signal?: AbortSignal) => Promise<T>;
  /**
   * A multipart upload with its progress (0..1) as the browser sends it: fetch reports no upload
   * progress, XMLHttpRequest does. The answer is JSON, as `post`'s.
   */
  readonly upload: <T>(
    path: string,
    form: FormData,
    headers: Readonly<Record<string, string>>,
    onProgress: (sent: number) => void,
  ) => Promise<T>;
  /** DELETE: answers nothing (204). */
  readonly del: (path: string) => Promise<void>;
  /**
   * A file the API streams (an export, a report), with the name its Content-Disposition gives; `accept`
   * when the API picks the format by the Accept header (the implementation report).
   */
  readonly download: (path: string, accept?: string) => Promise<DownloadedFile>;
  readonly post: <T>(
    path: string,
    body: unknown,
    headers?: Readonly<Record<string, string>>,
  ) => Promise<{ status: number; body: T }>;
}

/**
 * The app's one way to the API (same origin, under /api): the bearer token, Accept-Language (labels and
 * messages in the reader's language) and problem+json errors as ApiProblem. Bodies are typed with the
 * contracts' answer types: the fuzz suite holds the API to docs/openapi.json, which is generated from them.
 */
export const apiClient = (options: ApiOptions): ApiClient => {
  const send = async (path: string, init: RequestInit, accept = 'application/json'): Promise<Response> => {
    const headers = new Headers(init.headers);
    headers.set('Accept', `${accept}, application/problem+json`);
    headers.set('Accept-Language', options.language);
    if (options.token) headers.set('Authorization', `Bearer ${options.token}`);
    let res: Response;
    try {
      res = await fetch(path, { ...init, headers });
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') throw err;
      throw new ApiProblem(0, 'network', 'network', null, []);
    }
    if (!res.ok) {
      const problem = await problemOf(res);
      if (res.status === 401) options.onUnauthenticated();
      throw problem;
    }
    return res;
  };
  const request = async <T>(path: string, init: RequestInit): Promise<{ status: number; body: T }> => {
    const res = await send(path, init);
    return { status: res.status, body: (await res.json()) as T };
  };
  return {
    get: async <T>(path: string, signal?: AbortSignal) =>
      (await request<T>(path, signal ? { signal } : {})).body,
    upload: <T>(
      path: string,
      form: FormData,
      headers: Readonly<Record<string, string>>,
      onProgress: (sent: number) => void,
    ) =>
      new Promise<T>((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open('POST', path);
        xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
        xhr.setRequestHeader('Accept-Language', options.language);
        if (options.token) xhr.setRequestHeader('Authorization', `Bearer ${options.token}`);
        for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
        xhr.upload.onprogress = (e) => {
          if (e.lengthComputable) onProgress(e.loaded / e.total);
        };
        xhr.onerror = () => reject(new ApiProblem(0, 'network', 'network', null, []));
        xhr.onload = () => {
          // The same reading of the answer as fetch's, from the same bytes.
          const res = new Response(xhr.responseText, {
            status: xhr.status,
            headers: { 'Content-Type': xhr.getResponseHeader('Content-Type') ?? 'application/json' },
          });
          if (res.ok) return void res.json().then((b) => resolve(b as T), reject);
          void problemOf(res).then((problem) => {
            if (xhr.status === 401) options.onUnauthenticated();
            reject(problem);
          });
        };
        xhr.send(form);
      }),
    del: async (path) => {
      await send(path, { method: 'DELETE' });
    },
    download: async (path, accept) => {
      const res = await send(path, {}, accept);
      const name = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') ?? '')?.[1] ?? null;
      return { blob: await res.blob(), name };
    },
    post: <T>(path: string, body: unknown, headers: Readonly<Record<string, string>> = {}) =>
      request<T>(path, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      }),
  };
};

/** What a failed call shows: the API's problem, or a network failure for anything else. */
export const problemOfError = (err: unknown): ApiProblem =>
  err instanceof ApiProblem ? err : new ApiProblem(0, 'network', 'network', null, []);

export interface DownloadedFile {
  readonly blob: Blob;
  readonly name: string | null;
}

/** Hands a downloaded file to the browser as a download (a plain link would carry no bearer token). */
export const saveFile = (file: DownloadedFile, fallbackName: string): void => {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(file.blob);
  a.download = file.name ?? fallbackName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
};

/** A query string from the set values only, in a stable order (the URL is the page's state). */
export const queryOf = (params: Readonly<Record<string, string | null | undefined>>): string => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
};
