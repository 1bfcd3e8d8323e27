/**
 * Listens to `type` on `target` while `host` is in the page: the one line a component needs in its
 * constructor instead of a connectedCallback/disconnectedCallback pair that must stay in step.
 */
import type { ReactiveControllerHost } from 'lit';

export function listenWhileConnected<E extends Event>(host: ReactiveControllerHost, target: EventTarget, type: string, handler: (event: E) => void): void {
  const listener = handler as EventListener;
  host.addController({
    hostConnected: () => target.addEventListener(type, listener),
    hostDisconnected: () => target.removeEventListener(type, listener),
  });
}
