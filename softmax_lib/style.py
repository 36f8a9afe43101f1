"""One look for every figure: a colour-blind-safe palette and projector-sized text.

Call :func:`use` once in a notebook's setup cell.  Colours come from the
Okabe-Ito palette, which stays distinguishable for the common forms of
colour blindness and in greyscale print-outs.
"""

from __future__ import annotations

# Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
    "grey": "#7F7F7F",
}

#: What each colour means, everywhere in the collection.
COLORS = {
    "logit": OKABE_ITO["blue"],
    "prob": OKABE_ITO["orange"],
    # Green means "right" (a correct prediction, a formula that gives the right
    # answer) and vermillion "wrong" (a wrong prediction, a formula that breaks).
    "right": OKABE_ITO["green"],
    "wrong": OKABE_ITO["vermillion"],
    "reference": OKABE_ITO["grey"],
    "accent": OKABE_ITO["purple"],
    "sky": OKABE_ITO["sky"],
    "yellow": OKABE_ITO["yellow"],
}

#: The order in which line and bar series pick colours.
CYCLE = [OKABE_ITO[name] for name in ("blue", "orange", "green", "vermillion", "purple", "sky", "yellow", "black")]

#: Default figure size in inches: wide, for a projector at 16:9.
FIGSIZE = (10.0, 4.2)

_RC = {
    "figure.figsize": FIGSIZE,
    "figure.dpi": 90,
    "savefig.dpi": 90,
    "font.size": 14,
    "axes.titlesize": 16,
    "axes.titleweight": "bold",
    "axes.labelsize": 15,
    "xtick.labelsize": 14,
    "ytick.labelsize": 14,
    "legend.fontsize": 13,
    "lines.linewidth": 2.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.constrained_layout.use": True,
    # Glyphs rasterised without hinting: FreeType's hinter is a third of the cost of
    # laying out a new string, and a slider that changes a title or a readout lays out
    # new strings on every move (lesson 09's attention view: 62 -> 43 ms per move, in
    # process).  At 14 pt and 90 dpi the text looks the same but a shade softer.
    "text.hinting": "no_hinting",
}


def use() -> None:
    """Apply the collection's plotting style (seaborn whitegrid, Okabe-Ito colours,
    large fonts).  Idempotent; call it once in a notebook's setup cell.

    In IPython it also makes every figure's PNG carry alt text: the words set
    with :func:`softmax_lib.plots.set_alt` (:mod:`softmax_lib.alt`), or the figure's titles and axis
    labels.  Screen readers read it, and HTML exports keep it.
    """
    import matplotlib as mpl
    import seaborn as sns

    sns.set_theme(style="whitegrid", palette=CYCLE)
    mpl.rcParams.update(_RC)
    mpl.rcParams["axes.prop_cycle"] = mpl.cycler(color=CYCLE)
    _png_with_alt_text()


def _png_with_alt_text() -> None:
    """Register a PNG formatter for figures that adds ``alt`` to the image's metadata."""
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: nothing to format
        return
    ip = get_ipython()
    if ip is None or not hasattr(ip, "display_formatter"):
        return
    from matplotlib.figure import Figure

    # Select the inline backend now, so that its own set-up (which registers
    # its PNG formatter) cannot run later and replace this one.
    ip.run_line_magic("matplotlib", "inline")
    from IPython.core.pylabtools import print_figure
    from matplotlib_inline.backend_inline import InlineBackend

    from .alt import alt_text

    def png(fig):
        kwargs = InlineBackend.instance().print_figure_kwargs
        data = print_figure(fig, "png", base64=True, **kwargs)
        if data is None:  # a figure with nothing drawn
            return None
        return data, {"alt": alt_text(fig)}

    ip.display_formatter.formatters["image/png"].for_type(Figure, png)
