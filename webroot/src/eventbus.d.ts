// Type declarations for the Vert.x event-bus bridge client (the package ships none).
declare module '@vertx/eventbus-bridge-client.js' {
  export default class EventBus {
    static CONNECTING: 0;
    static OPEN: 1;
    static CLOSING: 2;
    static CLOSED: 3;
    constructor(url: string, options?: Record<string, unknown>);
    state: number;
    handlers: Record<string, unknown[]>;
    defaultHeaders: Record<string, string> | null;
    onopen: (() => void) | null;
    onclose: ((event?: unknown) => void) | null;
    onreconnect: (() => void) | null;
    onerror: (error: unknown) => void;
    enableReconnect(enable: boolean): void;
    registerHandler(address: string, headers: Record<string, string>, callback: (error: any, message: any) => void): void;
    unregisterHandler(address: string, headers: Record<string, string>, callback: (error: any, message: any) => void): void;
    send(address: string, message: unknown, headers?: Record<string, string>, callback?: (error: any, message: any) => void): void;
    publish(address: string, message: unknown, headers?: Record<string, string>): void;
    close(): void;
  }
}
