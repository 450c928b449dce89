"""Figures of :mod:`nabla.distributed`: time per fit against the number of Dask workers."""

from __future__ import annotations

from nabla.plot import style as S


def fit_time_by_workers(times, *, baselines=None, ax=None, title=None):
    """Seconds per fit against the number of workers, one line per method, with the
    ideal scaling ``t₁/w`` of each dotted, and ``baselines`` (``{name: seconds}``, e.g. an
    in-memory fit in one process) as horizontal lines.

    ``times`` is ``{method: {workers: seconds}}``, as ``bench/distributed.py`` records it.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> from nabla.plot import fit_time_by_workers
    >>> fig = fit_time_by_workers({'nabla': {1: 10.0, 2: 5.5}},
    ...                           baselines={'scikit-learn, in memory': 6.0})
    >>> fig.axes[0].get_xlabel(), [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ('workers (processes, 1 thread each)', ['nabla', 'scikit-learn, in memory'])
    """
    if not times or not all(times.values()):
        raise ValueError("fit_time_by_workers: times must map each method to "
                         "{workers: seconds}, with at least one measurement")
    fig, ax = S.figure(ax)
    counts = sorted({int(w) for series in times.values() for w in series})
    for i, (method, series) in enumerate(times.items()):
        color = S.COLORS[i % len(S.COLORS)]
        workers = sorted(int(w) for w in series)
        seconds = [float(series[w]) for w in workers]
        ax.plot(workers, seconds, "o-", lw=1.8, color=color, label=method)
        if len(workers) > 1:
            ax.plot(workers, [seconds[0] * workers[0] / w for w in workers], ":", lw=1.2,
                    color=color)
    for j, (name, seconds) in enumerate((baselines or {}).items()):
        ax.axhline(float(seconds), ls="--", lw=1.4, color=S.COLORS[(len(times) + j)
                                                                  % len(S.COLORS)], label=name)
    ax.set_xticks(counts)
    ax.set_ylim(bottom=0)
    S.label(ax, "workers (processes, 1 thread each)", "seconds per fit",
            title or "time per fit (dotted: perfect scaling)")
    return fig
