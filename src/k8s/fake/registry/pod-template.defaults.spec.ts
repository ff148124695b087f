import { defaultPodSpec, imageTag } from './pod-template.defaults';

describe('pod template defaults', () => {
  it.each([
    ['busybox', 'latest'],
    ['busybox:latest', 'latest'],
    ['busybox:1.36', '1.36'],
    ['registry.example.com:5000/team/app', 'latest'],
    ['registry.example.com:5000/team/app:v2', 'v2'],
    [`app@sha256:${'a'.repeat(64)}`, ''],
    [`app:1@sha256:${'a'.repeat(64)}`, '1'],
    ['UPPER/case', ''],
    ['', ''],
  ])('%s pulls tag %j', (image, tag) => expect(imageTag(image)).toBe(tag));

  it('defaults a pod spec as SetDefaults_PodSpec and SetDefaults_Container do', () => {
    const spec: Record<string, unknown> = {
      containers: [
        {
          name: 'a',
          image: 'busybox',
          ports: [{ containerPort: 80 }],
          readinessProbe: { httpGet: { port: 80 } },
        },
        { name: 'b', image: 'busybox:1.36', imagePullPolicy: 'Never' },
      ],
      volumes: [{ name: 'scratch' }, { name: 'cfg', configMap: { name: 'c' } }],
    };
    defaultPodSpec(spec);
    expect(spec).toEqual({
      containers: [
        {
          name: 'a',
          image: 'busybox',
          imagePullPolicy: 'Always',
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          resources: {},
          ports: [{ containerPort: 80, protocol: 'TCP' }],
          readinessProbe: {
            httpGet: { port: 80, path: '/', scheme: 'HTTP' },
            timeoutSeconds: 1,
            periodSeconds: 10,
            successThreshold: 1,
            failureThreshold: 3,
          },
        },
        {
          name: 'b',
          image: 'busybox:1.36',
          imagePullPolicy: 'Never',
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          resources: {},
        },
      ],
      volumes: [
        { name: 'scratch', emptyDir: {} },
        { name: 'cfg', configMap: { name: 'c', defaultMode: 420 } },
      ],
      dnsPolicy: 'ClusterFirst',
      restartPolicy: 'Always',
      securityContext: {},
      terminationGracePeriodSeconds: 30,
      schedulerName: 'default-scheduler',
    });
  });
});
