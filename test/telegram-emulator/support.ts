import type { BotApiEmulator, SimUser } from "../../src/sandbox/telegram/index.js";

export interface ApiAnswer<T = unknown> {
  status: number;
  ok: boolean;
  result: T;
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

/** Calls the emulator like a Bot API client would, with a JSON body unless told otherwise. */
export async function callApi<T = unknown>(
  emulator: BotApiEmulator,
  method: string,
  params: Record<string, unknown> = {},
  options: { token?: string; signal?: AbortSignal } = {},
): Promise<ApiAnswer<T>> {
  const response = await fetch(`${emulator.apiRoot}/bot${options.token ?? emulator.token}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(params),
    ...(options.signal && { signal: options.signal }),
  });
  return { status: response.status, ...((await response.json()) as Omit<ApiAnswer<T>, "status">) };
}

export const ann: SimUser = { id: 1001, first_name: "Ann", username: "ann", language_code: "en" };
export const bob: SimUser = { id: 1002, first_name: "Bob", language_code: "es" };
