/** autocannon ships no types; the bench uses a small, checked-by-hand part of its API. */
declare module 'autocannon';
