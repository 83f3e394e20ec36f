"""The machinery the quality benchmarks share: train a grid of runs through the public command
line (`train.py`, then `eval.py`), cache each finished run, aggregate over seeds, write tables.

Each run is exactly the command a reader would type, printed in the results:

    python train.py --config=configs/<variant>.py:<dataset> --workdir=<root>/<dataset>/<label>/seed<k> \
                    --config.seed=<k> [--config.<key>=<value> ...]
    python eval.py --workdir=<same>

A finished run leaves `result.json` in its workdir (metrics, wall time, when it started and
finished, command, eval.py's flags) and is not trained again: an interrupted benchmark
continues where it stopped (train.py itself resumes an unfinished run from its last
checkpoint), and a run asked for with other eval.py flags is evaluated again from its
checkpoint, not retrained. `--fresh` starts every run over.

`--record=<folder>` also keeps each finished run's result and picture in that folder, laid
out like the workdirs, and takes them back from it: a benchmark longer than the life of its
workdirs (a session, a machine) is continued elsewhere from a committed record.
"""
import collections
import concurrent.futures
import dataclasses
import functools
import hashlib
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
from tfgan_variants import files  # noqa: E402

RESULT_FILE = "result.json"
#: What --record keeps of a finished run's workdir: its result, its picture of samples and
#: its evaluations during training (where it made any).
RECORDED_FILES = (RESULT_FILE, "eval_samples.png", "eval.jsonl")


@dataclasses.dataclass(frozen=True)
class Job:
    """One training run: `variant` with its own config for `dataset` (`configs/<variant>.py:
    <dataset>`; for `semi_supervised`, the method in place of the dataset), seeded, with
    `overrides` ({config key: value}) on top, evaluated by eval.py with `eval_flags` (after
    those given to every job). `label` names the row (default: the variant). A
    `train.steps` override counts generator updates: the run trains that many steps more as
    the variant makes without one (`critic_only_steps`: MAGAN's pre-training, WGAN's critic
    warm-up)."""
    variant: str
    dataset: str
    seed: int
    overrides: tuple = ()
    label: str = ""
    eval_flags: tuple = ()

    @property
    def name(self):
        return self.label or self.variant

    def workdir(self, root):
        return os.path.join(root, self.dataset.replace("/", "_"), self.name, f"seed{self.seed}")

    @functools.cached_property
    def hparams(self):
        """The variant's hyperparameters in this run: its config's, with the overrides'."""
        from tfgan_variants import config_base  # TensorFlow, only once a run is made
        hparams = config_base.load(self.variant, self.dataset).hparams.to_dict()
        hparams.update({key[len("hparams."):]: value for key, value in self.overrides
                        if key.startswith("hparams.")})
        return hparams

    @functools.cached_property
    def model_class(self):
        """The class the run trains: the registry's (`MODELS`) entry for its config's
        `variant` (`configs/semi_supervised.py:<method>` names one of several)."""
        from tfgan_variants import MODELS, config_base
        return MODELS[config_base.load(self.variant, self.dataset).variant]

    def generator_updates(self, steps):
        """Generator updates in the run's first `steps` training steps."""
        return steps - self.model_class.critic_only_steps(steps, self.hparams)

    @functools.cached_property
    def critic_only_steps(self):
        """The training steps on top of the `train.steps` generator updates (0 without)."""
        updates = dict(self.overrides).get("train.steps")
        if not updates:
            return 0
        return self.model_class.steps_for_generator_updates(updates, self.hparams) - updates

    @property
    def uses_xla(self):
        """Whether --xla compiles this run: not for a variant that XLA slows down or cannot
        differentiate."""
        return self.model_class.xla_speeds_up and self.model_class.xla_compiles

    def train_command(self, root):
        extra = self.critic_only_steps
        overrides = [(key, value + extra if key == "train.steps" else value)
                     for key, value in self.overrides
                     if not (key == "train.jit_compile" and not self.uses_xla)]
        return ([sys.executable, os.path.join(ROOT, "train.py"),
                 f"--config={os.path.join(ROOT, 'configs', self.variant)}.py:{self.dataset}",
                 f"--workdir={self.workdir(root)}", f"--config.seed={self.seed}"]
                + [f"--config.{key}={value}" for key, value in overrides])

    @property
    def averages_g(self):
        """Whether the run keeps an average of G (train.ema_decay > 0): it is then scored twice,
        the average (eval.py) and G itself (eval.py --raw, its metrics as `raw_<metric>`)."""
        return float(dict(self.overrides).get("train.ema_decay", 0.0)) > 0

    def eval_command(self, root, eval_flags=()):
        return ([sys.executable, os.path.join(ROOT, "eval.py"),
                 f"--workdir={self.workdir(root)}"] + list(eval_flags))

    def all_eval_flags(self, eval_flags=()):
        """eval.py's flags: those of every job, then the job's own."""
        return list(eval_flags) + list(self.eval_flags)


def shell(command):
    """A command as a reader would type it (paths relative to the repository)."""
    return " ".join("python " + os.path.relpath(a, ROOT) if i == 1 and a.endswith(".py") else
                    a.replace(ROOT + os.sep, "") for i, a in enumerate(command) if i > 0)


class RunFailed(Exception):
    pass


def _run(command, log_path, timeout):
    with open(log_path, "a") as log:
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
        process = subprocess.run(command, stdout=subprocess.PIPE, stderr=log, text=True,
                                 env=env, timeout=timeout, cwd=ROOT)
        log.write(process.stdout)
    if process.returncode != 0:
        with open(log_path) as log:
            errors = [line.strip() for line in log if line.startswith("error:")]
        raise RunFailed(errors[-1] if errors else f"exit code {process.returncode}, see {log_path}")
    return process.stdout


def _read(path):
    try:
        with open(path) as f:
            return f.read()
    except FileNotFoundError:
        return None


def config_digest(variant, dataset):
    """A digest of the config a run of `variant` on `dataset` starts from (`configs/<variant>.py`
    for that dataset, over `config_base.py`, before the command's overrides): a run is reused
    only while these values are unchanged. Values, not the files' text: a comment, a setting
    of another dataset, or a training recipe added since and off, does not make a run stale."""
    from tfgan_variants import config_base
    try:
        values = config_base.active_settings(config_base.load(variant, dataset))
    except Exception as e:  # the run fails too, and says why: nothing to reuse
        return f"unloadable: {type(e).__name__}"
    text = json.dumps(values, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _identity(result):
    """What makes a run the same run: its command and its config's digest."""
    return f"{result.get('command')}\n{result.get('config_digest')}"


def _first_step(train_output):
    """The step train.py started from (0, or the checkpoint's step when it resumed), from
    its line "<variant> on <data>: steps <start> -> <total> ..." or "already trained to step
    <start> ..."."""
    found = re.search(r": steps (\d+) -> \d+|already trained to step (\d+)", train_output)
    return int(found.group(1) or found.group(2)) if found else 0


def _cached_result(workdir, identity):
    """The result.json of `workdir` if it is of the run `identity`, else None."""
    try:
        with open(os.path.join(workdir, RESULT_FILE)) as f:
            cached = json.load(f)
    except (FileNotFoundError, ValueError):
        return None
    return cached if _identity(cached) == identity else None


def _claim(workdir, identity):
    """Makes `workdir` the run `identity`'s: a workdir left by a different command (other
    steps or overrides) or config values is this benchmark's stale cache, which train.py would
    refuse, so it goes; the same run's stays, to resume."""
    command_path = workdir + ".command"
    if os.path.isdir(workdir) and _read(command_path) != identity:
        shutil.rmtree(workdir)
    os.makedirs(os.path.dirname(workdir), exist_ok=True)
    files.write_text_atomically(command_path, identity)


def _copy_recorded(source, destination):
    os.makedirs(destination, exist_ok=True)
    for name in RECORDED_FILES:
        if os.path.exists(os.path.join(source, name)):
            shutil.copyfile(os.path.join(source, name), os.path.join(destination, name))


def run_job(job, root, eval_flags=(), timeout=6 * 3600, runs_at_a_time=1, record=None,
            restore=True):
    """Trains and evaluates `job` (or reads its cached result); returns the result dict:
    eval.py's metrics plus `wall_time` (s, training only) with the `runs_at_a_time` it was
    measured under, `started_at` and `finished_at` (Unix time, training and evaluation), the
    `cpu` it ran on, `command`, `eval_flags` and the job's keys. A cached run evaluated with
    other flags is evaluated again from its checkpoint, keeping its training's record (or
    trained again where the checkpoint is gone). With `record` (a folder), a finished run
    is also kept there and, when `restore`, taken from there instead of trained.
    A failed run returns {'error': message} instead of raising."""
    workdir = job.workdir(root)
    flags = job.all_eval_flags(eval_flags)
    keys = {"variant": job.variant, "dataset": job.dataset, "seed": job.seed, "label": job.name,
            "command": shell(job.train_command(root)),
            "config_digest": config_digest(job.variant, job.dataset),
            "critic_only_steps": job.critic_only_steps}
    identity = _identity(keys)
    log_path = workdir + ".log"
    cached = _cached_result(workdir, identity)
    if cached is not None and cached.get("eval_flags") != flags:
        cached = _evaluated_again(job, root, cached, flags, log_path, timeout)
    if cached is not None:
        if record:
            _copy_recorded(workdir, job.workdir(record))
        return cached
    recorded = record and restore and _cached_result(job.workdir(record), identity)
    if recorded and recorded.get("eval_flags") == flags:
        _claim(workdir, identity)
        _copy_recorded(job.workdir(record), workdir)
        return _cached_result(workdir, identity)
    _claim(workdir, identity)
    started_at = time.time()
    try:
        start = time.perf_counter()
        first_step = _first_step(_run(job.train_command(root), log_path, timeout))
        wall_time = time.perf_counter() - start
        metrics = _evaluate(job, root, flags, log_path, timeout)
    except (RunFailed, subprocess.TimeoutExpired) as e:
        return {**keys, "error": str(e)}
    result = {**keys, **metrics, "wall_time": wall_time, "runs_at_a_time": runs_at_a_time,
              "started_at": started_at, "finished_at": time.time(), "cpu": cpu_description(),
              "eval_flags": flags}
    if first_step:  # an interrupted run, continued: its wall time is of the last part only
        result["resumed_from_step"] = first_step
    _save(workdir, result, record and job.workdir(record))
    return result


def _evaluate(job, root, flags, log_path, timeout):
    """eval.py's metrics (its output's last line) for the run `job`; for a run that averages
    G, also those of G itself as `raw_<metric>`."""
    def scores(extra=()):
        return json.loads(_run(job.eval_command(root, list(flags) + list(extra)), log_path,
                               timeout).strip().splitlines()[-1])

    metrics = scores()
    if job.averages_g:
        metrics.update({f"raw_{name}": value for name, value in scores(["--raw"]).items()
                        if isinstance(value, (int, float)) and not isinstance(value, bool)})
    return metrics


def _evaluated_again(job, root, cached, flags, log_path, timeout):
    """`cached` with the metrics of eval.py under `flags` (and the flags); its training's
    wall and start-to-finish times stay. None if the run cannot be evaluated (no checkpoint)."""
    try:
        metrics = _evaluate(job, root, flags, log_path, timeout)
    except (RunFailed, subprocess.TimeoutExpired):
        return None
    result = {**cached, **metrics, "eval_flags": flags}
    _save(job.workdir(root), result)
    return result


def _save(workdir, result, record_workdir=None):
    files.write_text_atomically(os.path.join(workdir, RESULT_FILE), json.dumps(result, indent=2))
    if record_workdir:
        _copy_recorded(workdir, record_workdir)


class Flags:
    """The flags every quality benchmark has; `define` them once at import of the script."""

    def __init__(self, name, seeds, steps, quick_text):
        from absl import flags
        self.quick = flags.DEFINE_bool("quick", False, f"Smoke test: {quick_text}.")
        self.variants = flags.DEFINE_list("variants", None, "Variants (default: all).")
        self.seeds = flags.DEFINE_integer("seeds", seeds, "Seeds per variant and dataset.",
                                          lower_bound=1)
        self.steps = flags.DEFINE_integer("steps", steps, "Generator updates per run (the "
                                          "budget).", lower_bound=1)
        self.parallel = flags.DEFINE_integer("parallel", 2, "Runs at a time.", lower_bound=1)
        self.root = flags.DEFINE_string("root", os.path.join(ROOT, "runs", "benchmarks", name),
                                        "Workdirs of the runs (kept: a rerun continues).")
        self.out = flags.DEFINE_string("out", os.path.join(ROOT, "docs", "results"),
                                       "Where the table and pictures go (full mode).")
        self.fresh = flags.DEFINE_bool("fresh", False, "Delete --root first, train all again "
                                       "(and --record's runs are replaced, not reused).")
        self.record = flags.DEFINE_string(
            "record", None, "A folder (docs/results/<benchmark>_runs for the published tables) "
            "that keeps each finished run's result and picture and gives them back to a later "
            "benchmark whose --root is gone: the full table can be made over several sessions "
            "or machines. Off by default: a rerun trains everything it has not cached itself.")
        self.xla = flags.DEFINE_bool("xla", True, "Compile the training steps with XLA "
                                     "(train.jit_compile), except for variants it slows down "
                                     "or cannot compile (their class's xla_speeds_up, "
                                     "xla_compiles): the same training, 1.3 to 2x faster here "
                                     "(docs/PERFORMANCE.md).")

    def variants_or(self, default):
        """--variants, checked against VARIANTS (`default` when not given)."""
        from absl import app
        from tfgan_variants import VARIANTS
        variants = list(self.variants.value or default)
        unknown = sorted(set(variants) - set(VARIANTS))
        if unknown:
            raise app.UsageError(f"unknown --variants {unknown}; choose from {sorted(VARIANTS)}")
        return variants

    def train_overrides(self, steps, every=2000):
        """Config overrides every run of the benchmark shares: its budget of `steps`, the
        intervals that fit it, and --xla."""
        return ((("train.steps", steps),) + interval_overrides(steps, every)
                + ((("train.jit_compile", True),) if self.xla.value else ()))

    def run(self, jobs, eval_flags=()):
        """run_all of `jobs` with the flags' --root, --parallel, --fresh and --record."""
        return run_all(jobs, self.root_dir, parallel=self.parallel.value,
                       fresh=self.fresh.value, eval_flags=eval_flags, record=self.record.value)

    @property
    def root_dir(self):
        return self.root.value + ("_quick" if self.quick.value else "")

    @property
    def out_dir(self):
        """Quick runs write next to their workdirs, never over the published table."""
        return self.root_dir if self.quick.value else self.out.value


def interval_overrides(steps, every=2000):
    """Logging, sample and checkpoint intervals that fit a run of `steps`."""
    return (("train.log_every", min(steps, 100)), ("train.sample_every", min(steps, every)),
            ("train.checkpoint_every", min(steps, every)))


def run_all(jobs, root, *, parallel=1, fresh=False, eval_flags=(), record=None):
    """Runs every job, `parallel` at a time, with a progress bar; returns their results in
    the order of `jobs`. `record`: see run_job (with `fresh`, its runs are trained again)."""
    import keras
    if fresh and os.path.isdir(root):
        shutil.rmtree(root)
    progress = keras.utils.Progbar(len(jobs), unit_name="run")
    lock = threading.Lock()

    def one(job):
        result = run_job(job, root, eval_flags, runs_at_a_time=min(parallel, len(jobs)),
                         record=record, restore=not fresh)
        with lock:
            progress.add(1)
            if "error" in result:
                print(f"\n{job.name} on {job.dataset}, seed {job.seed}: {result['error']}",
                      flush=True)
        return result

    with concurrent.futures.ThreadPoolExecutor(max_workers=parallel) as pool:
        return list(pool.map(one, jobs))


def variant_rows(variants, variant_overrides=None):
    """The rows of `fashion_mnist_benchmark` for `variants`, each named after its variant
    and with its entry of `variant_overrides` ({variant: overrides})."""
    own = variant_overrides or {}
    return [(variant, variant, tuple(own.get(variant, ()))) for variant in variants]


def fashion_mnist_benchmark(flags, name, rows, columns, caption, *, width, num_samples,
                            overrides=()):
    """Trains each row (label, variant, its overrides) on Fashion-MNIST with the variant's
    own config, `overrides` then the row's, networks of `width` and the flags' budget
    (--quick: one seed, 50 steps, 500 samples), evaluates every run on `num_samples`
    samples, and writes <out>/<name>.{md,json}: `caption(steps, seeds, samples, results)`
    over the table of `columns`, and seed 0's pictures."""
    quick = flags.quick.value
    seeds, steps, samples = ((1, 50, 500) if quick else
                             (flags.seeds.value, flags.steps.value, num_samples))
    root, out = flags.root_dir, flags.out_dir
    common = (("networks.width", width), ("eval.every", 0)) \
        + flags.train_overrides(steps, every=1000)
    jobs = [Job(variant, "fashion_mnist", seed, tuple(overrides) + own + common, label=label)
            for label, variant, own in rows for seed in range(seeds)]
    labels = [label for label, _, _ in rows]
    print(f"{len(jobs)} runs of {steps} steps, {flags.parallel.value} at a time; workdirs "
          f"in {root}")
    results = flags.run(jobs, eval_flags=[f"--num_samples={samples}"])
    markdown, _ = table(results, labels, {"fashion_mnist": columns})
    text = f"{caption(steps, seeds, samples, results)}\n\n{markdown}\n"
    write_outputs(out, name, results, text)
    pictures = collect_pictures(labels, ["fashion_mnist"], root, out, name)
    print("\n" + text)
    print(f"table: {os.path.join(out, name + '.md')}; pictures: {pictures}")
    return results


def seeds_text(seeds):
    """A table caption's count of seeds: '1 seed' or '3 seeds (mean ± std over seeds)'."""
    return "1 seed" if seeds == 1 else f"{seeds} seeds (mean ± std over seeds)"


def budget_note(results):
    """Which runs trained steps without a generator update on top of the budget, for a
    table's caption ('' when none did)."""
    extra = sorted({(r["label"], r["critic_only_steps"]) for r in results
                    if r.get("critic_only_steps")})
    if not extra:
        return ""
    return ("; on top of them, training steps that update no generator (pre-training, "
            "critic warm-up): " + ", ".join(f"`{label}` {steps}" for label, steps in extra))


def wall_time_note(results):
    """How the wall times of `results` were measured, for a table's caption: "2 runs at a
    time", or each count with its runs when a cached benchmark was continued differently;
    and which runs were resumed after an interruption (their time is of the last part)."""
    resumed = [f"`{r['label']}` {r['dataset']} seed {r['seed']} from step "
               f"{r['resumed_from_step']}" for r in results if r.get("resumed_from_step")]
    note = (f"; not in the wall-time means, as they were resumed after an interruption and "
            f"timed from there: {', '.join(resumed)}" if resumed else "")
    return _runs_at_a_time(results) + note + _busy_note(results) + _cpu_note(results)


def cpu_description():
    """The CPU's architecture and widest vector unit, e.g. 'x86_64 AVX-512' or 'x86_64 AVX2'.
    A seed reproduces a run's numbers only on the same kind: the vector width changes the
    order of float sums, and a GAN's trajectory with it."""
    machine = platform.machine()
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            flags = set(re.search(r"^flags\s*:(.*)$", cpuinfo.read(), re.M).group(1).split())
    except (OSError, AttributeError):
        return machine
    widest = next((name for flag, name in (("avx512f", "AVX-512"), ("avx2", "AVX2"),
                                           ("avx", "AVX")) if flag in flags), None)
    return f"{machine} {widest}" if widest else machine


def _cpu_note(results):
    """'; on x86_64 AVX2', or each CPU with its runs; '' when no run recorded its CPU."""
    counts = collections.Counter(r.get("cpu") for r in results if "error" not in r)
    if not any(counts):
        return ""
    if len(counts) == 1:
        return f"; on {next(iter(counts))}"
    return "; CPUs: " + ", ".join(
        f"{cpu or 'not recorded'} for {_runs(n)}"
        for cpu, n in sorted(counts.items(), key=lambda item: item[0] or "~"))


def busy_seconds(results):
    """(seconds during which at least one run of `results` was training or being evaluated,
    the union of their [started_at, finished_at]; how many runs have those times)."""
    spans = sorted((r["started_at"], r["finished_at"]) for r in results
                   if "error" not in r and "started_at" in r)
    total, end = 0.0, -math.inf
    for start, finish in spans:
        total += max(0.0, finish - max(start, end))
        end = max(end, finish)
    return total, len(spans)


def _busy_note(results):
    seconds, timed = busy_seconds(results)
    if not timed:
        return ""
    finished = sum("error" not in r for r in results)
    which = "" if timed == finished else f" of the {timed} of {finished} runs with recorded times"
    return (f"; the benchmark took {seconds / 3600:.1f} h{which} (the union of its runs' "
            "start-to-finish times: pauses between sessions are not counted)")


def _runs(n):
    """'1 run', '2 runs'."""
    return f"{n} run{'s' if n != 1 else ''}"


def _runs_at_a_time(results):
    counts = collections.Counter(r.get("runs_at_a_time") for r in results if "error" not in r)
    if len(counts) == 1 and None not in counts:
        (count,) = counts
        return f"{_runs(count)} at a time"
    parts = [f"{_runs(n)} {f'{count} at a time' if count else '(count not recorded)'}"
             for count, n in sorted(counts.items(), key=lambda item: item[0] or 0)]
    return ", ".join(parts) + " (each run's `runs_at_a_time` in the JSON)"


def finite(values):
    """The values that are numbers and finite (a metric can be None or NaN for a run)."""
    return [v for v in values if v is not None and math.isfinite(v)]


def mean_std(values):
    """(mean, population std) of the finite `values`; (nan, nan) if there are none."""
    values = finite(values)
    if not values:
        return math.nan, math.nan
    mean = sum(values) / len(values)
    return mean, math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))


def _value(result, name):
    """`result`'s metric `name`; None for the wall time of a resumed run (only part of it)."""
    if name == "wall_time" and result.get("resumed_from_step"):
        return None
    return result.get(name)


def aggregate(results, metric_names):
    """{(label, dataset): {metric: (mean, std), 'seeds': n, 'counts': {metric: runs with a
    finite value}, 'errors': [...]}} over seeds."""
    groups = {}
    for result in results:
        groups.setdefault((result["label"], result["dataset"]), []).append(result)
    table = {}
    for key, group in groups.items():
        good = [r for r in group if "error" not in r]
        values = {name: [_value(r, name) for r in good] for name in metric_names}
        row = {name: mean_std(values[name]) for name in metric_names}
        row["seeds"] = len(good)
        # Runs with a finite value of each metric (a figure can be undefined for a run).
        row["counts"] = {name: len(finite(values[name])) for name in metric_names}
        row["errors"] = [r["error"] for r in group if "error" in r]
        table[key] = row
    return table


def cell(mean_and_std, digits, seeds=2):
    """'mean ± std'; the value alone when it comes from one seed (it has no spread)."""
    mean, std = mean_and_std
    if math.isnan(mean):
        return "-"
    return f"{mean:.{digits}f}" + (f" ± {std:.{digits}f}" if seeds > 1 else "")


def _cell_of(stats, metric, digits):
    """`cell` of an `aggregate` row's metric, saying over how many seeds when not all of the
    row's runs have a value."""
    count = stats["counts"][metric]
    text = cell(stats[metric], digits, count)
    return text + (f" ({count} of {stats['seeds']} seeds)" if 0 < count < stats["seeds"] else "")


def markdown(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def table(results, labels, columns):
    """A Markdown table with a row per label and, for each dataset of `columns` ({dataset:
    [(metric, header, digits)]}), a column per metric with mean ± std over seeds; and the
    aggregate it shows."""
    summary = aggregate(results, sorted({m for cols in columns.values() for m, _, _ in cols}))
    header = ["variant"] + [f"{dataset} {title}" if len(columns) > 1 else title
                            for dataset, cols in columns.items() for _, title, _ in cols]
    rows = []
    for label in labels:
        row = [f"`{label}`"]
        for dataset, cols in columns.items():
            stats = summary[(label, dataset)]
            if stats["errors"]:
                row[0] += f" ({len(stats['errors'])} failed on {dataset}: {stats['errors'][0]})"
            row += [_cell_of(stats, metric, digits) for metric, _, digits in cols]
        rows.append(row)
    return markdown(header, rows), summary


def per_seed_table(rows, labels, dataset, metric, seed_header="seed"):
    """A Markdown table of `metric` on each seed of `dataset`: a row per seed and a mean row,
    a column per label and, with two labels or more, the last label's difference from each
    other one on the same seed (when the seed moves every label together, as a draw of the
    data does, the paired difference is the fairer comparison). `rows` are results with
    "label", "dataset", "seed" and `metric`; a run without the metric shows as "failed",
    and the mean as "-" unless every seed has one."""
    nan = float("nan")
    values = {(r["label"], r["seed"]): r.get(metric, nan)
              for r in rows if r["dataset"] == dataset}
    seeds = sorted({seed for _, seed in values})
    table = [[values.get((label, seed), nan) for label in labels] for seed in seeds]
    means = [sum(column) / len(column) for column in zip(*table)]
    last, others = labels[-1], labels[:-1]
    header = [seed_header] + [f"`{label}`" for label in labels]
    if others:
        header.append(f"`{last}` minus " + " / ".join(f"`{label}`" for label in others))

    def line(name, row, missing):   # nan is a missing value
        cells = [name] + [missing if math.isnan(v) else f"{v:.2f}" for v in row]
        if others:
            cells.append(" / ".join("-" if math.isnan(row[-1] - v) else f"{row[-1] - v:+.2f}"
                                    for v in row[:-1]))
        return cells

    lines = [line(str(seed), row, "failed") for seed, row in zip(seeds, table)]
    return markdown(header, lines + [line("mean", means, "-")])


def collect_pictures(labels, datasets, root, out, name, picture="eval_samples.png"):
    """Copies seed 0's `picture` of each run to <out>/<name>/<dataset>_<label>.png and joins
    them into <out>/<name>_<dataset>.png per dataset."""
    folder = os.path.join(out, name)
    os.makedirs(folder, exist_ok=True)
    for dataset in datasets:
        paths, names = [], []
        for label in labels:
            source = os.path.join(Job(label, dataset, 0).workdir(root), picture)
            if os.path.exists(source):
                paths.append(os.path.join(folder, f"{dataset.replace('/', '_')}_{label}.png"))
                shutil.copyfile(source, paths[-1])
                names.append(label)
        if paths:
            stem = name if dataset == name else f"{name}_{dataset.replace('/', '_')}"
            montage(paths, 6, os.path.join(out, f"{stem}.png"), names)
    return folder


def write_outputs(out_dir, name, results, table_markdown):
    """<out_dir>/<name>.json (every run) and <name>.md (the table)."""
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, f"{name}.json"), "w") as f:
        json.dump(results, f, indent=2)
    with open(os.path.join(out_dir, f"{name}.md"), "w") as f:
        f.write(table_markdown + "\n")


def montage(paths, columns, out_path, labels=None):
    """The PNGs at `paths` side by side, `columns` per row, each under its label if given
    (cells as large as the first picture), as one PNG."""
    import numpy as np
    from PIL import Image, ImageDraw
    pictures = [np.asarray(Image.open(p).convert("RGB")) for p in paths]
    height, width, _ = pictures[0].shape
    strip = 14 if labels else 0
    columns = min(columns, len(pictures))
    rows = math.ceil(len(pictures) / columns)
    canvas = np.full((rows * (height + strip), columns * width, 3), 255, np.uint8)
    for i, picture in enumerate(pictures):
        r, c = divmod(i, columns)
        top = r * (height + strip) + strip
        picture = picture[:height, :width]
        canvas[top:top + picture.shape[0], c * width:c * width + picture.shape[1]] = picture
    image = Image.fromarray(canvas)
    for i, label in enumerate(labels or ()):
        r, c = divmod(i, columns)
        ImageDraw.Draw(image).text((c * width + 2, r * (height + strip) + 1), label, fill=0)
    image.save(out_path)
