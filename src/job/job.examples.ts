// The request examples Swagger UI offers. The first is the source design's own example,
// verbatim; the second is what happens when its `//对应实例数` remark is pasted too.
export const SEED_JOB_YAML = `apiVersion: batch/v1
kind: Job
metadata:
  name: sleep1
spec:
  completions: 3
  template:
    spec:
      containers:
      - name: sleep1
        image: busybox
        imagePullPolicy: IfNotPresent
        command: [echo,  "220"]
      restartPolicy: Never
`;

export const SEED_JOB_WITH_REMARK_YAML = SEED_JOB_YAML.replace(
  'completions: 3',
  'completions: 3     //对应实例数',
);

export const SEED_JOB_JSON = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'sleep1' },
  spec: {
    completions: 3,
    template: {
      spec: {
        containers: [
          { name: 'sleep1', image: 'busybox', imagePullPolicy: 'IfNotPresent', command: ['echo', '220'] },
        ],
        restartPolicy: 'Never',
      },
    },
  },
};
