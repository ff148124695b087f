// A client-go conformance program: client-go 0.36 with its defaults (the typed clientset, which
// sends and accepts protobuf for built-in types, and a SharedInformerFactory that lists and
// watches) against the apiserver of a kubeconfig. It checks Job CRUD, a conflict on a stale
// resourceVersion, what an informer sees, the job controller's pods and the Job's completion.
// One line per check; exit status 1 when any check fails.
//
//	clientgo -kubeconfig FILE [-namespace NS] [-timeout 90s]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/util/retry"
)

type checker struct{ failed int }

func (c *checker) check(name string, err error) bool {
	if err != nil {
		c.failed++
		fmt.Printf("FAIL %s: %v\n", name, err)
		return false
	}
	fmt.Printf("ok   %s\n", name)
	return true
}

// seen records what the informers delivered, per kind and name, in order.
type seen struct {
	mu     sync.Mutex
	events map[string][]string
}

func (s *seen) add(kind, name, typ string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := kind + "/" + name
	s.events[key] = append(s.events[key], typ)
}

func (s *seen) of(kind, name string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.events[kind+"/"+name]...)
}

func handler[T metav1.Object](s *seen, kind string) cache.ResourceEventHandlerFuncs {
	name := func(obj interface{}) string {
		if d, ok := obj.(cache.DeletedFinalStateUnknown); ok {
			obj = d.Obj
		}
		if o, ok := obj.(T); ok {
			return o.GetName()
		}
		return "?"
	}
	return cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj interface{}) { s.add(kind, name(obj), "ADDED") },
		UpdateFunc: func(_, obj interface{}) { s.add(kind, name(obj), "MODIFIED") },
		DeleteFunc: func(obj interface{}) { s.add(kind, name(obj), "DELETED") },
	}
}

func job(ns, name string, suspend bool, completions int32) *batchv1.Job {
	return &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: map[string]string{"suite": "clientgo"}},
		Spec: batchv1.JobSpec{
			Suspend:     &suspend,
			Completions: &completions,
			Parallelism: &completions,
			Template: corev1.PodTemplateSpec{
				// A short run on kwok's stages and on the fake's kubelet alike.
				ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{"job-gateway.test/run-ms": "500"}},
				Spec: corev1.PodSpec{
					RestartPolicy: corev1.RestartPolicyNever,
					Containers:    []corev1.Container{{Name: "main", Image: "busybox:1.36", Command: []string{"true"}}},
				},
			},
		},
	}
}

// poll runs fn every 100 ms until it returns nil or the time is up; the last error explains why.
func poll(ctx context.Context, timeout time.Duration, fn func() error) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		err := fn()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("timed out: %w", err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func expectEqual[T comparable](what string, got, want T) error {
	if got != want {
		return fmt.Errorf("%s: got %v, want %v", what, got, want)
	}
	return nil
}

func condition(j *batchv1.Job, t batchv1.JobConditionType) *batchv1.JobCondition {
	for i := range j.Status.Conditions {
		if j.Status.Conditions[i].Type == t {
			return &j.Status.Conditions[i]
		}
	}
	return nil
}

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of the apiserver under test")
	ns := flag.String("namespace", "clientgo", "namespace to create (and delete) for the checks")
	timeout := flag.Duration("timeout", 90*time.Second, "how long a Job may take to complete")
	flag.Parse()
	if *kubeconfig == "" {
		fmt.Fprintln(os.Stderr, "usage: clientgo -kubeconfig FILE [-namespace NS] [-timeout 90s]")
		os.Exit(2)
	}
	config, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		fmt.Fprintf(os.Stderr, "kubeconfig: %v\n", err)
		os.Exit(2)
	}
	// A conformance run should not be slowed by the client's own rate limiter.
	config.QPS, config.Burst = 100, 200
	w := &wire{sent: map[string]bool{}, got: map[string]bool{}}
	config.Wrap(func(rt http.RoundTripper) http.RoundTripper {
		w.next = rt
		return w
	})
	c := &checker{}
	run(c, config, *ns, *timeout)
	const pb = "application/vnd.kubernetes.protobuf"
	c.check("client-go sent protobuf bodies (POST, PUT)", errors.Join(
		expectEqual("a POST sent as "+pb, w.saw(w.sent, "POST "+pb), true),
		expectEqual("a PUT sent as "+pb, w.saw(w.sent, "PUT "+pb), true),
	))
	// client-go accepts protobuf or JSON: which one the server chose is reported, not judged.
	fmt.Printf("     answers came as: %s\n", w.answers())
	os.Exit(exitCode(c))
}

func run(c *checker, config *rest.Config, ns string, timeout time.Duration) {
	ctx := context.Background()
	cs, err := kubernetes.NewForConfig(config)
	if !c.check("clientset from the kubeconfig", err) {
		return
	}
	if v, err := cs.Discovery().ServerVersion(); c.check("discovery: server version", err) {
		fmt.Printf("     server %s\n", v.GitVersion)
	}

	_, err = cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
	if !c.check("create namespace "+ns, err) {
		return
	}
	defer func() {
		_ = cs.CoreV1().Namespaces().Delete(ctx, ns, metav1.DeleteOptions{})
	}()
	// A real cluster refuses pods until the namespace's default service account exists; a server
	// without service accounts has nothing to wait for.
	if servesServiceAccounts(cs) {
		_ = poll(ctx, 30*time.Second, func() error {
			_, err := cs.CoreV1().ServiceAccounts(ns).Get(ctx, "default", metav1.GetOptions{})
			return err
		})
	}

	events := &seen{events: map[string][]string{}}
	factory := informers.NewSharedInformerFactoryWithOptions(cs, 0, informers.WithNamespace(ns))
	jobInformer := factory.Batch().V1().Jobs()
	podInformer := factory.Core().V1().Pods()
	_, err1 := jobInformer.Informer().AddEventHandler(handler[*batchv1.Job](events, "Job"))
	_, err2 := podInformer.Informer().AddEventHandler(handler[*corev1.Pod](events, "Pod"))
	stop := make(chan struct{})
	defer close(stop)
	factory.Start(stop)
	synced := factory.WaitForCacheSync(stop)
	allSynced := errors.Join(err1, err2)
	for typ, ok := range synced {
		if !ok {
			allSynced = errors.Join(allSynced, fmt.Errorf("%v did not sync", typ))
		}
	}
	c.check("informers list and sync (Jobs, Pods)", allSynced)

	jobs := cs.BatchV1().Jobs(ns)

	// CRUD on a suspended Job: nothing runs, only the controller's Suspended condition.
	created, err := jobs.Create(ctx, job(ns, "crud", true, 1), metav1.CreateOptions{})
	c.check("create a Job (protobuf body)", errors.Join(err, func() error {
		if err != nil {
			return nil
		}
		return errors.Join(
			expectEqual("uid set", created.UID != "", true),
			expectEqual("resourceVersion set", created.ResourceVersion != "", true),
			expectEqual("generation", created.Generation, int64(1)),
			expectEqual("spec.backoffLimit", *created.Spec.BackoffLimit, int32(6)),
			expectEqual("spec.completionMode", *created.Spec.CompletionMode, batchv1.NonIndexedCompletion),
			expectEqual("label batch.kubernetes.io/job-name", created.Spec.Template.Labels["batch.kubernetes.io/job-name"], "crud"),
			expectEqual("selector controller-uid", created.Spec.Selector.MatchLabels["batch.kubernetes.io/controller-uid"], string(created.UID)),
		)
	}()))

	got, err := jobs.Get(ctx, "crud", metav1.GetOptions{})
	c.check("get the Job", errors.Join(err, func() error {
		if err != nil || created == nil {
			return nil
		}
		return expectEqual("uid", got.UID, created.UID)
	}()))

	var updated *batchv1.Job
	err = retry.RetryOnConflict(retry.DefaultRetry, func() error {
		current, err := jobs.Get(ctx, "crud", metav1.GetOptions{})
		if err != nil {
			return err
		}
		current.Labels["updated"] = "yes"
		updated, err = jobs.Update(ctx, current, metav1.UpdateOptions{})
		return err
	})
	c.check("update the Job (protobuf body)", errors.Join(err, func() error {
		if err != nil {
			return nil
		}
		return errors.Join(
			expectEqual("label kept", updated.Labels["updated"], "yes"),
			expectEqual("generation (metadata only)", updated.Generation, int64(1)),
		)
	}()))

	if got != nil {
		stale := got.DeepCopy()
		stale.Labels["stale"] = "yes"
		_, err = jobs.Update(ctx, stale, metav1.UpdateOptions{})
		want := `Operation cannot be fulfilled on jobs.batch "crud": the object has been modified; please apply your changes to the latest version and try again`
		var status apierrors.APIStatus
		c.check("update on a stale resourceVersion is a 409 Conflict", func() error {
			if !apierrors.IsConflict(err) || !errors.As(err, &status) {
				return fmt.Errorf("want a Conflict, got %v", err)
			}
			s := status.Status()
			return errors.Join(
				expectEqual("code", s.Code, int32(409)),
				expectEqual("message", s.Message, want),
				expectEqual("details.name", s.Details.Name, "crud"),
				expectEqual("details.group", s.Details.Group, "batch"),
				expectEqual("details.kind", s.Details.Kind, "jobs"),
			)
		}())
	}

	background := metav1.DeletePropagationBackground
	err = jobs.Delete(ctx, "crud", metav1.DeleteOptions{PropagationPolicy: &background})
	c.check("delete the Job", errors.Join(err, poll(ctx, 30*time.Second, func() error {
		_, err := jobs.Get(ctx, "crud", metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return nil
		}
		return fmt.Errorf("still there (%v)", err)
	})))

	c.check("the informer saw ADDED, MODIFIED and DELETED", poll(ctx, 10*time.Second, func() error {
		got := events.of("Job", "crud")
		if len(got) < 3 || got[0] != "ADDED" || got[len(got)-1] != "DELETED" || !contains(got, "MODIFIED") {
			return fmt.Errorf("Job events %v", got)
		}
		return nil
	}))

	// Two more suspended Jobs to page through, one of them patched the strategic-merge way.
	for _, name := range []string{"page-a", "page-b"} {
		_, err := jobs.Create(ctx, job(ns, name, true, 1), metav1.CreateOptions{})
		c.check("create "+name, err)
	}
	c.check("list Jobs one page at a time (limit, continue)", func() error {
		first, err := jobs.List(ctx, metav1.ListOptions{Limit: 1})
		if err != nil {
			return err
		}
		if len(first.Items) != 1 || first.Continue == "" {
			return fmt.Errorf("first page: %d items, continue %q", len(first.Items), first.Continue)
		}
		rest, err := jobs.List(ctx, metav1.ListOptions{Limit: 5, Continue: first.Continue})
		if err != nil {
			return err
		}
		var names []string
		for _, j := range append(first.Items, rest.Items...) {
			names = append(names, j.Name)
		}
		return errors.Join(
			expectEqual("names", strings.Join(names, ","), "page-a,page-b"),
			expectEqual("last continue", rest.Continue, ""),
		)
	}())
	patched, err := jobs.Patch(ctx, "page-b", types.StrategicMergePatchType,
		[]byte(`{"metadata":{"labels":{"patched":"yes"}},"spec":{"parallelism":0}}`), metav1.PatchOptions{})
	c.check("strategic-merge patch a Job", errors.Join(err, func() error {
		if err != nil {
			return nil
		}
		return errors.Join(
			expectEqual("label", patched.Labels["patched"], "yes"),
			expectEqual("parallelism", *patched.Spec.Parallelism, int32(0)),
			expectEqual("generation", patched.Generation, int64(2)),
		)
	}()))

	// A bare pod, created with a protobuf body, bound and run by whoever plays the kubelet.
	hang := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "bare", Labels: map[string]string{"job-gateway.test/outcome": "hang"}},
		Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyNever,
			Containers:    []corev1.Container{{Name: "main", Image: "busybox:1.36", Command: []string{"sleep", "3600"}}},
		},
	}
	podClient := cs.CoreV1().Pods(ns)
	_, err = podClient.Create(ctx, hang, metav1.CreateOptions{})
	c.check("create a Pod (protobuf body); it is scheduled and runs", errors.Join(err, poll(ctx, 30*time.Second, func() error {
		p, err := podClient.Get(ctx, "bare", metav1.GetOptions{})
		if err != nil {
			return err
		}
		if p.Spec.NodeName == "" || p.Status.Phase != corev1.PodRunning {
			return fmt.Errorf("node %q, phase %q", p.Spec.NodeName, p.Status.Phase)
		}
		return nil
	})))
	zero := int64(0)
	c.check("delete the Pod with grace period 0", errors.Join(
		podClient.Delete(ctx, "bare", metav1.DeleteOptions{GracePeriodSeconds: &zero}),
		poll(ctx, 30*time.Second, func() error {
			if _, err := podClient.Get(ctx, "bare", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				return fmt.Errorf("still there (%v)", err)
			}
			return nil
		}),
	))

	// A Job that runs: two pods that succeed.
	runJob, err := jobs.Create(ctx, job(ns, "run", false, 2), metav1.CreateOptions{})
	if !c.check("create a running Job (completions 2, parallelism 2)", err) {
		return
	}
	var done *batchv1.Job
	c.check("the Job completes (seen through the informer's lister)", poll(ctx, timeout, func() error {
		j, err := jobInformer.Lister().Jobs(ns).Get("run")
		if err != nil {
			return err
		}
		if cond := condition(j, batchv1.JobComplete); cond == nil || cond.Status != corev1.ConditionTrue {
			return fmt.Errorf("status %+v", j.Status)
		}
		done = j
		return nil
	}))
	if done != nil {
		s := done.Status
		c.check("status counts and times", errors.Join(
			expectEqual("succeeded", s.Succeeded, int32(2)),
			expectEqual("active", s.Active, int32(0)),
			expectEqual("failed", s.Failed, int32(0)),
			expectEqual("ready", ptrValue(s.Ready), int32(0)),
			expectEqual("terminating", ptrValue(s.Terminating), int32(0)),
			expectEqual("startTime set", s.StartTime != nil, true),
			expectEqual("completionTime set", s.CompletionTime != nil, true),
			expectEqual("uncountedTerminatedPods empty", s.UncountedTerminatedPods == nil ||
				len(s.UncountedTerminatedPods.Succeeded)+len(s.UncountedTerminatedPods.Failed) == 0, true),
		))
		var conds []string
		for _, cond := range s.Conditions {
			conds = append(conds, fmt.Sprintf("%s=%s %s %q", cond.Type, cond.Status, cond.Reason, cond.Message))
		}
		want := []string{
			`SuccessCriteriaMet=True CompletionsReached "Reached expected number of succeeded pods"`,
			`Complete=True CompletionsReached "Reached expected number of succeeded pods"`,
		}
		c.check("conditions SuccessCriteriaMet then Complete", expectEqual("conditions", strings.Join(conds, "; "), strings.Join(want, "; ")))
	}

	selector := labels.SelectorFromSet(labels.Set{"batch.kubernetes.io/job-name": "run"})
	var pods []*corev1.Pod
	// The pod informer may trail the Job's by an event or two.
	c.check("the controller's pods: names, labels, ownerReferences, phase", poll(ctx, 10*time.Second, func() error {
		var err error
		pods, err = podInformer.Lister().Pods(ns).List(selector)
		return errors.Join(err, checkPods(pods, runJob))
	}))

	c.check("the informer saw each pod ADDED and MODIFIED", func() error {
		var errs []error
		for _, p := range pods {
			got := events.of("Pod", p.Name)
			if len(got) < 2 || got[0] != "ADDED" || !contains(got, "MODIFIED") {
				errs = append(errs, fmt.Errorf("%s: %v", p.Name, got))
			}
		}
		return errors.Join(errs...)
	}())

	c.check("the job controller's events, read as core/v1 and events.k8s.io/v1", poll(ctx, 15*time.Second, func() error {
		selector := "involvedObject.kind=Job,involvedObject.name=run"
		core, err := cs.CoreV1().Events(ns).List(ctx, metav1.ListOptions{FieldSelector: selector})
		if err != nil {
			return err
		}
		var reasons []string
		for _, e := range core.Items {
			reasons = append(reasons, fmt.Sprintf("%s %s %s", e.Type, e.Reason, e.Source.Component))
		}
		sort.Strings(reasons)
		want := "Normal Completed job-controller,Normal SuccessfulCreate job-controller,Normal SuccessfulCreate job-controller"
		if got := strings.Join(reasons, ","); got != want {
			return fmt.Errorf("core/v1 events: %s", got)
		}
		modern, err := cs.EventsV1().Events(ns).List(ctx, metav1.ListOptions{FieldSelector: "regarding.kind=Job,regarding.name=run"})
		if err != nil {
			return err
		}
		return expectEqual("events.k8s.io/v1 events", len(modern.Items), 3)
	}))

	err = jobs.Delete(ctx, "run", metav1.DeleteOptions{PropagationPolicy: &background})
	c.check("a Background delete takes the pods (informer sees them DELETED)", errors.Join(err, poll(ctx, 30*time.Second, func() error {
		var missing []string
		for _, p := range pods {
			if got := events.of("Pod", p.Name); len(got) == 0 || got[len(got)-1] != "DELETED" {
				missing = append(missing, p.Name)
			}
		}
		if got := events.of("Job", "run"); len(got) == 0 || got[len(got)-1] != "DELETED" {
			missing = append(missing, "job/run")
		}
		if len(missing) > 0 {
			return fmt.Errorf("not deleted yet: %v", missing)
		}
		return nil
	})))

}

var podName = regexp.MustCompile(`^run-[a-z0-9]{5}$`)

func checkPods(pods []*corev1.Pod, j *batchv1.Job) error {
	if len(pods) != 2 {
		return fmt.Errorf("want 2 pods, got %d", len(pods))
	}
	sort.Slice(pods, func(a, b int) bool { return pods[a].Name < pods[b].Name })
	uid := string(j.UID)
	var errs []error
	for _, p := range pods {
		wantLabels := map[string]string{
			"batch.kubernetes.io/controller-uid": uid,
			"batch.kubernetes.io/job-name":       "run",
			"controller-uid":                     uid,
			"job-name":                           "run",
		}
		if !podName.MatchString(p.Name) {
			errs = append(errs, fmt.Errorf("pod name %q is not run-<5 chars>", p.Name))
		}
		if expectEqual("generateName", p.GenerateName, "run-") != nil {
			errs = append(errs, fmt.Errorf("%s: generateName %q", p.Name, p.GenerateName))
		}
		for k, v := range wantLabels {
			if p.Labels[k] != v {
				errs = append(errs, fmt.Errorf("%s: label %s=%q, want %q", p.Name, k, p.Labels[k], v))
			}
		}
		if p.Annotations["job-gateway.test/run-ms"] != "500" {
			errs = append(errs, fmt.Errorf("%s: template annotation not copied: %v", p.Name, p.Annotations))
		}
		refs := p.OwnerReferences
		if len(refs) != 1 {
			errs = append(errs, fmt.Errorf("%s: %d ownerReferences", p.Name, len(refs)))
		} else {
			r := refs[0]
			errs = append(errs,
				expectEqual(p.Name+": owner", fmt.Sprintf("%s %s %s %s", r.APIVersion, r.Kind, r.Name, r.UID), "batch/v1 Job run "+uid),
				expectEqual(p.Name+": controller", ptrValue(r.Controller), true),
				expectEqual(p.Name+": blockOwnerDeletion", ptrValue(r.BlockOwnerDeletion), true),
			)
		}
		// The tracking finalizer goes once the controller has counted the pod.
		errs = append(errs,
			expectEqual(p.Name+": finalizers", strings.Join(p.Finalizers, ","), ""),
			expectEqual(p.Name+": phase", p.Status.Phase, corev1.PodSucceeded),
			expectEqual(p.Name+": nodeName set", p.Spec.NodeName != "", true),
		)
	}
	return errors.Join(errs...)
}

func servesServiceAccounts(cs kubernetes.Interface) bool {
	list, err := cs.Discovery().ServerResourcesForGroupVersion("v1")
	if err != nil {
		return false
	}
	for _, r := range list.APIResources {
		if r.Name == "serviceaccounts" {
			return true
		}
	}
	return false
}

// wire records the Content-Type of every request body and of every answer, so the run can show
// that client-go's defaults (protobuf) were what the server had to handle.
type wire struct {
	mu   sync.Mutex
	sent map[string]bool
	got  map[string]bool
	next http.RoundTripper
}

func (w *wire) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := w.next.RoundTrip(req)
	w.mu.Lock()
	defer w.mu.Unlock()
	if t := req.Header.Get("Content-Type"); t != "" {
		w.sent[req.Method+" "+t] = true
	}
	if res != nil {
		w.got[res.Header.Get("Content-Type")] = true
	}
	return res, err
}

func (w *wire) answers() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var types []string
	for t := range w.got {
		types = append(types, t)
	}
	sort.Strings(types)
	return strings.Join(types, ", ")
}

func (w *wire) saw(set map[string]bool, key string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return set[key]
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func ptrValue[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func exitCode(c *checker) int {
	if c.failed > 0 {
		fmt.Printf("%d check(s) failed\n", c.failed)
		return 1
	}
	fmt.Println("all checks passed")
	return 0
}
