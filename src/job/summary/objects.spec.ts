// Event ordering: which time an event is placed by, for the shapes core/v1 events come in.
import { eventTime, oldestFirst } from './objects';

describe('eventTime', () => {
  it.each([
    [
      'a recorder event: lastTimestamp',
      { lastTimestamp: '2026-11-30T06:00:09Z', firstTimestamp: '2026-11-30T06:00:01Z' },
      '2026-11-30T06:00:09Z',
    ],
    [
      'an events.k8s.io event seen again: the series',
      {
        eventTime: '2026-11-30T06:00:01.000001Z',
        series: { count: 3, lastObservedTime: '2026-11-30T06:00:07.5Z' },
      },
      '2026-11-30T06:00:07.5Z',
    ],
    [
      'an events.k8s.io event: eventTime',
      { eventTime: '2026-11-30T06:00:01.123456Z', lastTimestamp: null },
      '2026-11-30T06:00:01.123456Z',
    ],
    ['only firstTimestamp', { firstTimestamp: '2026-11-30T06:00:02Z' }, '2026-11-30T06:00:02Z'],
    [
      'no time of its own: when it was stored',
      { metadata: { creationTimestamp: '2026-11-30T06:00:03Z' } },
      '2026-11-30T06:00:03Z',
    ],
    ['nothing', {}, undefined],
  ])('%s', (_what, event, expected) => {
    expect(eventTime(event)).toBe(expected);
  });
});

describe('oldestFirst', () => {
  it("orders by each event's own time, keeps the given order on ties, and puts timeless ones first", () => {
    const events = [
      { id: 'c', lastTimestamp: '2026-11-30T06:00:05Z' },
      { id: 'a', eventTime: '2026-11-30T06:00:01.5Z' },
      { id: 'd1', lastTimestamp: '2026-11-30T06:00:06Z' },
      { id: 'none' },
      { id: 'd2', firstTimestamp: '2026-11-30T06:00:06Z' },
      { id: 'b', metadata: { creationTimestamp: '2026-11-30T06:00:02Z' } },
    ];
    expect(oldestFirst(events).map((e) => e.id)).toEqual(['none', 'a', 'b', 'c', 'd1', 'd2']);
  });

  it('orders events of the same second by the time in their recorder-made names', () => {
    const at = '2026-11-30T06:00:05Z';
    const events = [
      { id: 'completed', metadata: { name: 'echo.18ecbbe1d0ed5250' }, lastTimestamp: at },
      { id: 'hand-named', metadata: { name: 'mine' }, lastTimestamp: at },
      { id: 'scheduled', metadata: { name: 'echo-abcde.18ecbbe1d0a00000' }, lastTimestamp: at },
    ];
    expect(oldestFirst(events).map((e) => e.id)).toEqual(['scheduled', 'completed', 'hand-named']);
  });

  it('compares a finer eventTime with a whole-second lastTimestamp to the second', () => {
    const events = [
      { id: 'completed', metadata: { name: 'echo.18ecbc55bb34bd2a' }, lastTimestamp: '2026-11-30T05:43:47Z' },
      {
        id: 'scheduled',
        metadata: { name: 'echo-4xkl9.18ecbc55ad87ad08' },
        eventTime: '2026-11-30T05:43:47.912345Z',
      },
      { id: 'created', metadata: { name: 'echo.18ecbc55ad7ebb11' }, lastTimestamp: '2026-11-30T05:43:47Z' },
      { id: 'later', metadata: { name: 'x' }, eventTime: '2026-11-30T05:43:48.000001Z' },
    ];
    expect(oldestFirst(events).map((e) => e.id)).toEqual(['created', 'scheduled', 'completed', 'later']);
  });
});
