"""gunicorn settings for every server this repository starts: the Docker image, `make run`
and `make bench` (gunicorn reads ./gunicorn.conf.py from its working directory).

The application is loaded in the master, which builds the caches (graph, search and trace
indexes: kg/warm.py) before forking the workers. Workers then start warm and share those
pages copy-on-write instead of each building its own copy. WARM_ON_START=false skips it
(workers build on first use), for instance while the database is still empty.
"""

from kg.memory import limit_arenas

preload_app = True
# Before any thread exists, so the workers forked from this master inherit it.
limit_arenas(2)


def when_ready(server):
    from django.core.exceptions import ImproperlyConfigured

    from kg.settings import env_bool  # the app is loaded (preload_app): settings are read already
    from kg.warm import warm_caches

    try:
        if not env_bool("WARM_ON_START", True):
            return
    except ImproperlyConfigured as exc:
        server.log.error("%s", exc)
        raise SystemExit(2) from None

    try:
        seconds = warm_caches()
    except Exception as exc:  # noqa: BLE001 - a cold cache is slower, never a reason not to serve
        server.log.warning("warming the caches failed (%s); workers will build them on first use", exc)
    else:
        server.log.info("caches warmed in %.1f s", seconds)
