"""Folder-scale extraction: plan the files, batch them, run them, keep a manifest, sum up.

A research run is thousands of reports and hours of model time, so this module is built
around three promises:

* **Resumable.** With one output per input (``-o DIR``), every finished input appends one
  line to ``DIR/.govie-manifest.jsonl`` (input path, size, mtime, sha256, records, output
  name and size) right after its output was atomically put in place. A later run skips
  an input whose output exists with the recorded size and whose bytes still hash to the
  recorded sha256; an edited input, or a deleted output, is done again. An output without
  a manifest line (a run killed between the two steps, an older govie) is redone, never
  trusted. The pair "output replaced, manifest line appended" runs with Ctrl-C deferred.
* **Batched across files.** The texts of ``files_per_batch`` files go to one
  ``extract_many`` call, so short reports still fill the model's batches (the GPU case).
  If that call fails, each text of the chunk is retried alone, so a text that breaks the
  model fails by itself and its neighbours are written.
* **One bad file never stops the run.** Undecodable, empty or model-breaking files are
  recorded with a one-line reason, listed in the summary and in ``.govie-failures.tsv``.

``workers > 1`` runs chunks in a ``ProcessPoolExecutor`` of *spawned* processes, each
loading the extractor once in its initializer. The loader is the callable ``govie.load``
names when the run starts, sent to the workers by reference (pickle), so whatever
replaces it (a test's fake, a custom pipeline) must be a module-level function that the
workers can import; ``run`` says so in one line when it is not. Only the parent writes
files, so outputs and manifest never race. Workers ignore SIGINT: on Ctrl-C the parent
keeps what is committed, terminates them and reports.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import math
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Iterator, Optional, Sequence, TextIO

from govie import config
from govie.errors import GovieError, InputError, OutputError
from govie.export import check_format, get_format, make_writer
from govie.io import atomic_write_text, atomic_writer, iter_input_files, read_text

EXIT_OK, EXIT_SOME_FAILED, EXIT_INTERRUPTED = 0, 1, 130

#: ``loader(model_path)`` -> an object with ``extract_many`` (``govie.load``'s signature).
Loader = Callable[..., Any]


# -- options and results -------------------------------------------------------------------


@dataclass(frozen=True)
class BatchOptions:
    """How to run: where outputs go, in which format, and how to feed the model.

    ``folder`` set: one ``<stem><suffix>`` per input there (resumable). Otherwise
    ``output`` is the one file every record goes to, or stdout when it is None too.
    """

    fmt: str = "jsonl"
    folder: Optional[Path] = None
    output: Optional[Path] = None
    year: Optional[int] = None
    model: Optional[str] = None
    batch_size: Optional[int] = None
    files_per_batch: int = config.BATCH_FILES_PER_BATCH
    workers: int = config.BATCH_WORKERS
    resume: bool = True


@dataclass(frozen=True)
class Fingerprint:
    """What the manifest compares to know an input is unchanged."""

    size: int
    mtime: float
    sha256: str


@dataclass
class FileResult:
    """One input's outcome: its record dicts, or the reason it failed."""

    index: int
    path: Path
    records: Optional[list[dict[str, Any]]] = None
    error: Optional[str] = None
    fingerprint: Optional[Fingerprint] = None


@dataclass(frozen=True)
class Failure:
    """An input that produced no output, and why (one line, without the path)."""

    path: str
    reason: str

    def line(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass
class Summary:
    """Counts of one run, for the closing report and the exit status."""

    total: int = 0
    done: int = 0
    skipped: int = 0
    failures: list[Failure] = field(default_factory=list)
    records: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    failures_file: Optional[Path] = None

    @property
    def failed(self) -> int:
        return len(self.failures)

    @property
    def exit_status(self) -> int:
        if self.interrupted:
            return EXIT_INTERRUPTED
        return EXIT_SOME_FAILED if self.failures else EXIT_OK

    def lines(self) -> list[str]:
        """The closing report: one count line, then one line per failed file."""
        head = "interrupted" if self.interrupted else "finished"
        counts = (f"govie: extract {head}: {self.total} {_plural(self.total, 'file')}: "
                  f"{self.done} done, {self.skipped} skipped (already done), {self.failed} failed")
        left = self.total - self.done - self.skipped - self.failed
        if left > 0:
            counts += f", {left} not finished (run again to resume)"
        counts += f"; {self.records} {_plural(self.records, 'record')} written in {self.seconds:.1f} s"
        out = [counts] + [f"govie: error: {f.line()}" for f in self.failures]
        if self.failures and self.failures_file is not None:
            out.append(f"govie: failures listed in {self.failures_file}")
        return out

    def report(self, stream: Optional[TextIO] = None) -> None:
        stream = stream or sys.stderr
        for line in self.lines():
            print(line, file=stream)


def _plural(n: int, word: str) -> str:
    return word if n == 1 else word + "s"


# -- inputs ----------------------------------------------------------------------------------


def collect_inputs(paths: Iterable[str]) -> tuple[list[Path], list[Failure]]:
    """Input files named or found under ``paths``; each bad path becomes a Failure."""
    files: list[Path] = []
    seen: set[Path] = set()
    failures: list[Failure] = []
    for raw in paths:
        try:
            found = iter_input_files([raw])
        except InputError as err:
            failures.append(_failure(raw, str(err)))
            continue
        for f in found:
            key = f.resolve()
            if key not in seen:
                seen.add(key)
                files.append(f)
    return files, failures


def check_unique_stems(files: Sequence[Path]) -> None:
    """One output per input is named by stem: two inputs with one stem would collide."""
    seen: dict[str, Path] = {}
    for f in files:
        if f.stem in seen:
            raise InputError(
                f"{seen[f.stem]} and {f} would both be written as {f.stem}.*; "
                "rename one or extract them separately"
            )
        seen[f.stem] = f


def fingerprint(path: Path) -> Fingerprint:
    """Size, mtime and sha256 of ``path``'s bytes (OSError when it cannot be read)."""
    st = path.stat()
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(config.BATCH_HASH_CHUNK_BYTES), b""):
            digest.update(block)
    return Fingerprint(st.st_size, st.st_mtime, digest.hexdigest())


# -- manifest --------------------------------------------------------------------------------


class Manifest:
    """``OUT/.govie-manifest.jsonl``: one JSON line per finished input, keyed by output name.

    Append-only while a run goes (a line is one ``write`` on an ``O_APPEND`` file, then
    fsync); the latest line of a name wins. Unreadable lines (a torn last line after a
    power cut) are ignored: their input is simply done again. ``compact`` rewrites the file
    atomically with one line per output that still exists, so it never grows without end.
    """

    def __init__(self, folder: Path) -> None:
        self.path = folder / config.BATCH_MANIFEST_NAME
        self.entries: dict[str, dict[str, Any]] = self._read()

    def _read(self) -> dict[str, dict[str, Any]]:
        entries: dict[str, dict[str, Any]] = {}
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return entries
        except (OSError, UnicodeDecodeError) as err:
            raise OutputError(f"{self.path}: cannot read the manifest ({err}); "
                              "delete it to start over") from None
        for line in text.splitlines():
            try:
                entry = json.loads(line)
                entries[str(entry["output"])] = entry
            except (ValueError, KeyError, TypeError):
                continue
        return entries

    def compact(self) -> None:
        folder = self.path.parent
        self.entries = {name: e for name, e in self.entries.items() if (folder / name).is_file()}
        if self.entries or self.path.exists():
            atomic_write_text(self.path, "".join(_json_line(e) for e in self.entries.values()))

    def is_done(self, path: Path, output: Path) -> bool:
        """True when ``output`` is the complete result of ``path``'s current bytes."""
        entry = self.entries.get(output.name)
        if entry is None:
            return False
        try:
            if output.stat().st_size != entry.get("output_bytes"):
                return False
            if path.stat().st_size != entry.get("size"):
                return False
            return fingerprint(path).sha256 == entry.get("sha256")
        except OSError:
            return False  # unreadable now: let the run report it

    def add(self, path: Path, output: Path, fp: Fingerprint, records: int) -> None:
        entry = {
            "input": str(path.resolve()), "size": fp.size, "mtime": fp.mtime, "sha256": fp.sha256,
            "records": records, "output": output.name, "output_bytes": output.stat().st_size,
            "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        data = _json_line(entry).encode("utf-8")
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
            try:
                os.write(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as err:
            raise OutputError(f"{self.path}: cannot write the manifest ({err.strerror or err})") from None
        self.entries[output.name] = entry


def _json_line(entry: dict[str, Any]) -> str:
    return json.dumps(entry, ensure_ascii=False) + "\n"


def write_failures(folder: Path, failures: Sequence[Failure]) -> Optional[Path]:
    """``OUT/.govie-failures.tsv`` (input, reason) of this run; a stale one is removed.

    Failed inputs have no manifest line and are retried by every run, so this run's
    failures are all the inputs that currently have no output.
    """
    target = folder / config.BATCH_FAILURES_NAME
    if not failures:
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
        return None
    rows = ["input\treason\n"] + [f"{_tsv(f.path)}\t{_tsv(f.reason)}\n" for f in failures]
    atomic_write_text(target, "".join(rows))
    return target


def _tsv(text: str) -> str:
    return " ".join(text.split("\t"))


# -- extraction of one chunk (in-process or in a worker) ----------------------------------------


def extract_chunk(extractor: Any, items: Sequence[tuple[int, Path]], *, year: Optional[int] = None,
                  batch_size: Optional[int] = None) -> list[FileResult]:
    """Read the chunk's files and extract them with one ``extract_many`` call.

    Reading errors fail only their file. When the batched call raises, every text is
    retried alone, so only the text that breaks the model fails. KeyboardInterrupt is
    not caught.
    """
    results: list[FileResult] = []
    ready: list[tuple[FileResult, str]] = []
    for index, path in items:
        result = FileResult(index, path)
        results.append(result)
        try:
            result.fingerprint, text = _read(path)
        except GovieError as err:
            result.error = _reason(err, path)
            continue
        ready.append((result, text))
    if not ready:
        return results
    try:
        batches = _extract_many(extractor, [t for _, t in ready], [r.path for r, _ in ready],
                                year, batch_size)
    except Exception as err:  # noqa: BLE001 -- isolate the text that broke the model
        if len(ready) == 1:
            ready[0][0].error = _reason(err, ready[0][0].path)
            return results
        for result, text in ready:
            try:
                result.records = _extract_many(extractor, [text], [result.path], year, batch_size)[0]
            except Exception as one_err:  # noqa: BLE001
                result.error = _reason(one_err, result.path)
        return results
    for (result, _), records in zip(ready, batches):
        result.records = records
    return results


def _read(path: Path) -> tuple[Fingerprint, str]:
    """Fingerprint first, then the text: if the file changes in between, the manifest
    holds the older hash and the next run redoes the file (never the other way round)."""
    try:
        fp = fingerprint(path)
    except OSError:
        read_text(path)  # raises the InputError that names the problem
        raise InputError(f"{path}: cannot read") from None
    return fp, read_text(path)


def _extract_many(extractor: Any, texts: list[str], paths: list[Path], year: Optional[int],
                  batch_size: Optional[int]) -> list[list[dict[str, Any]]]:
    kwargs: dict[str, Any] = {"years": [year] * len(texts), "doc_ids": [p.stem for p in paths]}
    if batch_size is not None:
        kwargs["batch_size"] = batch_size
    batches = extractor.extract_many(texts, **kwargs)
    if len(batches) != len(texts):
        raise GovieError(f"the extractor returned {len(batches)} results for {len(texts)} texts")
    return [_as_dicts(records, p.stem) for records, p in zip(batches, paths)]


def _as_dicts(records: Iterable[Any], doc: str) -> list[dict[str, Any]]:
    out = []
    for record in records:
        data = record.to_dict() if hasattr(record, "to_dict") else dict(record)
        data["doc"] = doc
        out.append(data)
    return out


def _reason(err: BaseException, path: Path) -> str:
    """One line for a person: a GovieError's own message, else the exception's type too."""
    text = str(err) if isinstance(err, GovieError) else f"model error: {type(err).__name__}: {err}"
    return _failure(str(path), text).reason


def _failure(path: str, message: str) -> Failure:
    reason = " ".join(message.split())
    if reason.startswith(f"{path}: "):
        reason = reason[len(path) + 2:]
    if len(reason) > config.BATCH_MAX_REASON_CHARS:
        reason = reason[: config.BATCH_MAX_REASON_CHARS - 1] + "…"
    return Failure(path, reason or "failed")


# -- runners: chunks in, FileResults out ----------------------------------------------------------


def make_chunks(files: Sequence[tuple[int, Path]], files_per_batch: int, workers: int) -> list[list[tuple[int, Path]]]:
    """Consecutive chunks of at most ``files_per_batch`` files, small enough that every
    worker gets one (ten files for two workers make two chunks of five, not eight + two)."""
    if not files:
        return []
    size = max(1, min(files_per_batch, math.ceil(len(files) / max(1, workers))))
    return [list(files[i:i + size]) for i in range(0, len(files), size)]


def load_extractor(loader: Loader, model: Optional[str]) -> Any:
    """``loader(model)``; ImportError (torch missing) becomes a one-line GovieError."""
    try:
        return loader(model)
    except ImportError as err:
        raise GovieError(f"cannot load the extractor: {err}") from None


def run_in_process(chunks: Sequence[Sequence[tuple[int, Path]]], loader: Loader,
                   options: BatchOptions) -> Iterator[FileResult]:
    if not chunks:
        return  # everything skipped: no model load
    extractor = load_extractor(loader, options.model)
    for chunk in chunks:
        yield from extract_chunk(extractor, chunk, year=options.year, batch_size=options.batch_size)


def threads_per_worker(workers: int) -> int:
    """CPU threads for each worker's torch, so that workers together fill the machine once."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    return max(1, cpus // max(1, workers))


_WORKER: dict[str, Any] = {}


class WorkerLoadError(GovieError):
    """The extractor could not be loaded in a worker: fatal for the run, like in-process."""


def _init_worker(loader: Loader, model: Optional[str], threads: int) -> None:
    """Pool initializer: ignore Ctrl-C (the parent handles it), load the extractor once.

    torch's thread count is set only when loading imported torch: a model-free extractor
    costs no torch import per worker.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        _WORKER["extractor"] = load_extractor(loader, model)
    except Exception as err:  # noqa: BLE001 -- reported by the first task instead
        _WORKER["error"] = str(err) if isinstance(err, GovieError) else f"{type(err).__name__}: {err}"
        return
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(threads)


def _work(items: list[tuple[int, Path]], year: Optional[int], batch_size: Optional[int]) -> list[FileResult]:
    _ping()
    return extract_chunk(_WORKER["extractor"], items, year=year, batch_size=batch_size)


def run_in_pool(chunks: Sequence[Sequence[tuple[int, Path]]], loader: Loader,
                options: BatchOptions) -> Iterator[FileResult]:
    """Results of ``chunks`` from ``options.workers`` processes, as chunks finish.

    A worker that dies (killed for memory, a crash in native code) breaks the whole pool.
    A fresh pool then runs every file that was in flight alone, one at a time, so only
    the file that kills a worker by itself fails; the rest continue in full parallel.
    """
    try:
        pickle.dumps(loader)
    except Exception:  # noqa: BLE001 -- pickling raises several types
        raise GovieError(
            f"--workers {options.workers}: the extractor loader {loader!r} cannot be sent to worker "
            "processes; make it a module-level function or use --workers 1"
        ) from None
    workers = min(options.workers, len(chunks))
    context = multiprocessing.get_context(config.BATCH_START_METHOD)
    initargs = (loader, options.model, threads_per_worker(workers))
    pending = deque(chunks)
    #: single-file chunks that were in flight when a worker died, run one at a time
    suspects: deque = deque()
    in_flight: dict[Future, tuple[Sequence[tuple[int, Path]], bool]] = {}
    limit = workers * config.BATCH_CHUNKS_IN_FLIGHT_PER_WORKER
    executor: Optional[ProcessPoolExecutor] = None
    finished = False
    try:
        while pending or suspects or in_flight:
            if executor is None:
                executor = _start_pool(workers, context, initargs)
            try:
                if suspects:
                    if not in_flight:
                        chunk = suspects[0]
                        in_flight[executor.submit(_work, list(chunk), options.year, options.batch_size)] = (chunk, True)
                        suspects.popleft()
                else:
                    while pending and len(in_flight) < limit:
                        chunk = pending[0]
                        in_flight[executor.submit(_work, list(chunk), options.year, options.batch_size)] = (chunk, False)
                        pending.popleft()
            except BrokenProcessPool:
                if not in_flight:
                    raise GovieError("worker processes cannot be started; try --workers 1") from None
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            broken = False
            for future in done:
                chunk, suspect = in_flight.pop(future)
                try:
                    results = future.result()
                except BrokenProcessPool:
                    broken = True
                    if suspect:  # it ran alone: this file is what kills the worker
                        yield FileResult(chunk[0][0], chunk[0][1], error=_WORKER_DIED)
                    else:  # any file of the chunk may be the culprit: retry each alone
                        suspects.extend([item] for item in chunk)
                    continue
                yield from results
            if broken:
                for chunk, suspect in in_flight.values():  # siblings lost with the pool
                    suspects.extend([item] for item in chunk)
                suspects = deque(sorted(suspects))
                in_flight.clear()
                _stop_pool(executor)
                executor = None
        finished = True
    finally:
        if executor is not None:
            if finished:
                executor.shutdown(wait=True)
            else:
                _stop_pool(executor)


_WORKER_DIED = "the worker process died on this file (out of memory, or a crash in native code)"


def _start_pool(workers: int, context: Any, initargs: tuple) -> ProcessPoolExecutor:
    """A pool whose workers are known to start and to hold an extractor.

    One empty task goes first: a worker that cannot even start (a loader module it cannot
    import, a script without ``if __name__ == "__main__"``) or cannot load the model is a
    fatal error now, not a thousand files "failed" one by one.
    """
    executor = ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker, initargs=initargs)
    try:
        executor.submit(_ping).result()
    except BrokenProcessPool:
        _stop_pool(executor)
        raise GovieError("worker processes could not start (see the messages above); "
                         "try --workers 1") from None
    except BaseException:
        _stop_pool(executor)
        raise
    return executor


def _ping() -> None:
    if "error" in _WORKER:
        raise WorkerLoadError(_WORKER["error"])


def _stop_pool(executor: ProcessPoolExecutor) -> None:
    """Cancel queued work and end the workers now (they ignore SIGINT, so ask firmly)."""
    stop = getattr(executor, "terminate_workers", None)  # Python >= 3.14
    if stop is not None:
        stop()
        return
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(timeout=5)


def in_order(results: Iterable[FileResult]) -> Iterator[FileResult]:
    """Yield results by ``index`` from 0 on (a stream is concatenated in input order)."""
    waiting: dict[int, FileResult] = {}
    nxt = 0
    for result in results:
        waiting[result.index] = result
        while nxt in waiting:
            yield waiting.pop(nxt)
            nxt += 1
    yield from (waiting[i] for i in sorted(waiting))


# -- sinks: where results are committed --------------------------------------------------------


@contextlib.contextmanager
def _interrupt_deferred() -> Iterator[None]:
    """Hold a Ctrl-C until the block is done (only the main thread receives signals)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.default_int_handler)
    if caught:
        raise KeyboardInterrupt


class FolderSink:
    """One output per input, each written atomically, then recorded in the manifest."""

    def __init__(self, folder: Path, fmt: str, manifest: Manifest) -> None:
        self.folder, self.fmt, self.manifest = folder, fmt, manifest

    def output_for(self, path: Path) -> Path:
        return self.folder / f"{path.stem}{get_format(self.fmt).suffix}"

    @contextlib.contextmanager
    def open(self) -> Iterator["FolderSink"]:
        yield self

    def commit(self, result: FileResult) -> None:
        assert result.records is not None and result.fingerprint is not None
        target = self.output_for(result.path)
        with _interrupt_deferred():
            with atomic_writer(target, binary=get_format(self.fmt).binary) as fh:
                writer = make_writer(self.fmt, fh)
                writer.write(result.records)
                writer.close()
            self.manifest.add(result.path, target, result.fingerprint, len(result.records))


class StreamSink:
    """Every record in one stream: an atomically written file, or stdout.

    The file appears only when the whole run got through; an interrupted or failed run
    leaves an existing file as it was.
    """

    def __init__(self, output: Optional[Path], fmt: str) -> None:
        self.output, self.fmt = output, fmt
        self._fh: Optional[IO[Any]] = None
        self._writer: Any = None

    @contextlib.contextmanager
    def open(self) -> Iterator["StreamSink"]:
        if self.output is None:
            self._fh, self._writer = sys.stdout, make_writer(self.fmt, sys.stdout)
            yield self
            self._writer.close()
            return
        with atomic_writer(self.output, binary=get_format(self.fmt).binary) as fh:
            self._fh, self._writer = fh, make_writer(self.fmt, fh)
            yield self
            self._writer.close()

    def commit(self, result: FileResult) -> None:
        assert result.records is not None and self._fh is not None
        self._writer.write(result.records)
        self._fh.flush()


# -- the run ---------------------------------------------------------------------------------------


def run(files: Sequence[Path], options: BatchOptions, *, failures: Sequence[Failure] = (),
        loader: Optional[Loader] = None, progress: Optional[bool] = None) -> Summary:
    """Extract ``files`` as ``options`` says and return the Summary (not yet printed).

    ``failures`` are inputs that already failed (bad paths), listed with the others.
    ``loader`` defaults to ``govie.load`` as it is at call time. Fatal problems (the model
    cannot be loaded, the output folder cannot be made, Parquet without pyarrow) raise
    GovieError before any file is written. Ctrl-C ends the run with ``interrupted`` set.
    """
    started = time.monotonic()
    check_format(options.fmt)
    if options.folder is None and options.output is None and get_format(options.fmt).binary:
        raise GovieError(f"--format {options.fmt} writes binary files: give -o FILE or -o DIR")
    if options.workers < 1 or options.files_per_batch < 1:
        raise GovieError("--workers and --files-per-batch must be at least 1")
    summary = Summary(total=len(files) + len(failures), failures=list(failures))
    indexed = list(enumerate(files))
    if options.folder is not None:
        check_unique_stems(files)
        _make_folder(options.folder)
        manifest = Manifest(options.folder)
        sink: Any = FolderSink(options.folder, options.fmt, manifest)
        todo = []
        for item in indexed:
            if options.resume and manifest.is_done(item[1], sink.output_for(item[1])):
                summary.skipped += 1
            else:
                todo.append(item)
    else:
        sink = StreamSink(options.output, options.fmt)
        todo = indexed

    if loader is None:
        import govie

        loader = govie.load
    chunks = make_chunks(todo, options.files_per_batch, options.workers)
    runner = run_in_pool if options.workers > 1 and len(chunks) > 1 else run_in_process
    from tqdm import tqdm

    bar = tqdm(total=len(todo), desc="extract", unit="file", file=sys.stderr,
               disable=(None if progress is None else not progress), dynamic_ncols=True)
    raw = runner(chunks, loader, options)
    results = in_order(raw) if options.folder is None else raw
    try:
        with sink.open():
            for result in results:
                if result.records is None:
                    summary.failures.append(_failure(str(result.path), result.error or "failed"))
                else:
                    sink.commit(result)
                    summary.done += 1
                    summary.records += len(result.records)
                bar.update(1)
                if summary.skipped or summary.failures:
                    bar.set_postfix(skipped=summary.skipped, failed=summary.failed, refresh=False)
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        raw.close()  # stops a pool now, not whenever the generator is collected
        bar.close()
    order = {str(path): i for i, path in indexed}  # failures in input order; bad paths first
    summary.failures.sort(key=lambda f: order.get(f.path, -1))
    if options.folder is not None:
        summary.failures_file = write_failures(options.folder, summary.failures)
        with contextlib.suppress(OutputError):  # tidying only: the appended lines stay valid
            manifest.compact()
    summary.seconds = time.monotonic() - started
    return summary


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"{folder}: cannot create the output folder ({err.strerror or err})") from None
