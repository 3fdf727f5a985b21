import { once } from 'node:events'
import { WebSocket as WsClient, type ClientOptions } from 'ws'

/** Opens a `ws` client to 127.0.0.1:port and waits until it is open. */
export async function openClient(port: number, path = '/echo', options: ClientOptions = {}, protocols?: string | string[]): Promise<WsClient> {
  const client = new WsClient(`ws://127.0.0.1:${port}${path}`, protocols, options)
  await once(client, 'open')
  return client
}

/** The next message a `ws` client receives. */
export async function nextMessage(client: WsClient): Promise<{ data: Buffer; isBinary: boolean }> {
  const [data, isBinary] = (await once(client, 'message')) as [Buffer, boolean]
  return { data, isBinary }
}

/** Resolves with the close code and reason once a `ws` client is closed. */
export async function closed(client: WsClient): Promise<{ code: number; reason: string }> {
  if (client.readyState === WsClient.CLOSED) return { code: -1, reason: '' }
  const [code, reason] = (await once(client, 'close')) as [number, Buffer]
  return { code, reason: reason.toString() }
}

/** A payload of `size` bytes: text (ASCII and multi-byte characters) or binary (every byte value). */
export function payload(size: number, text: boolean): Buffer {
  const out = Buffer.alloc(size)
  if (!text) {
    for (let i = 0; i < size; i++) out[i] = (i * 31 + 7) & 0xff
    return out
  }
  const pattern = Buffer.from('héllo wörld € 🎉 ')
  for (let i = 0; i < size; i++) out[i] = pattern[i % pattern.length] as number
  // Never end inside a character: pad the tail with ASCII.
  let end = size
  while (end > 0 && end > size - 4 && ((out[end - 1] as number) & 0x80) !== 0) end--
  if (end > size - 4) out.fill(0x61, end)
  return out
}
