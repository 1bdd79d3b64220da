// Types for the parts of the untyped `smpp` package (node-smpp 0.5.1, lib/smpp.js, lib/pdu.js,
// lib/defs.js) that the SMPP adapter and the fake SMSC use. Field names are the SMPP
// specification's. Only what we call is declared; widen it here when you use more.
declare module 'smpp' {
  import type { EventEmitter } from 'node:events'
  import type { Server as NetServer, Socket } from 'node:net'

  /** A decoded short_message: the library splits off the UDH (when esm_class has 0x40) and decodes
   * the text by data_coding (0 → GSM 03.38 unpacked, 8 → UCS-2). */
  export type DecodedShortMessage = { udh?: Buffer[]; message: string | Buffer }

  /** Any PDU. Header fields are always present; the body fields depend on `command`. */
  export class PDU {
    constructor(command: string, options?: Record<string, unknown>)
    command: string
    command_id: number
    command_status: number
    sequence_number: number
    // body fields used here (absent on bodiless PDUs and on error responses)
    system_id?: string
    password?: string
    system_type?: string
    interface_version?: number
    message_id?: string
    service_type?: string
    source_addr_ton?: number
    source_addr_npi?: number
    source_addr?: string
    dest_addr_ton?: number
    dest_addr_npi?: number
    destination_addr?: string
    esm_class?: number
    registered_delivery?: number
    data_coding?: number | null
    short_message?: DecodedShortMessage | Buffer | string
    // TLVs used here
    receipted_message_id?: string
    message_state?: number
    network_error_code?: Buffer
    message_payload?: DecodedShortMessage | Buffer | string
    isResponse(): boolean
    response(options?: Record<string, unknown>): PDU
    toBuffer(): Buffer
  }

  export type ResponseCallback = (pdu: PDU) => void

  export class Session extends EventEmitter {
    socket: Socket
    /** node-smpp answers a request by calling the callback registered under its sequence number */
    send(pdu: PDU, responseCallback?: ResponseCallback, sendCallback?: (pdu: PDU) => void): boolean
    close(callback?: () => void): void
    destroy(callback?: () => void): void
    pause(): void
    resume(): void
    bind_transceiver(options: Record<string, unknown>, callback?: ResponseCallback): boolean
    submit_sm(options: Record<string, unknown>, callback?: ResponseCallback): boolean
    deliver_sm(options: Record<string, unknown>, callback?: ResponseCallback): boolean
    enquire_link(options?: Record<string, unknown> | ResponseCallback, callback?: ResponseCallback): boolean
    unbind(options?: Record<string, unknown> | ResponseCallback, callback?: ResponseCallback): boolean
  }

  export class Server extends NetServer {
    sessions: Session[]
  }

  export function connect(options: { host: string; port: number; auto_enquire_link_period?: number }, listener?: () => void): Session
  export function createServer(listener?: (session: Session) => void): Server

  /** GSM 03.38 and UCS-2 coders keyed by the library's names (data_coding 0 uses `ASCII`). */
  export const encodings: Record<'ASCII' | 'LATIN1' | 'UCS2', { match(value: string): boolean; encode(value: string): Buffer; decode(value: Buffer): string }>

  export const ESME_ROK: number
  export const ESME_RSYSERR: number
  export const ESME_RINVDSTADR: number
  export const ESME_RBINDFAIL: number
  export const ESME_RMSGQFUL: number
  export const ESME_RTHROTTLED: number
  export const errors: Record<string, number>
}
