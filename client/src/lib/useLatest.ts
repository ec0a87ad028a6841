import { useLayoutEffect, useRef, type RefObject } from 'react';

/**
 * A ref that always holds the last rendered `value`, for callbacks and long-lived effects that
 * must see the newest props without re-subscribing. Written after render (React forbids writing
 * refs during render), before any effect or event handler can read it.
 */
export function useLatest<T>(value: T): RefObject<T> {
  const ref = useRef(value);
  useLayoutEffect(() => {
    ref.current = value;
  });
  return ref;
}
