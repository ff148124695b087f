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
});
