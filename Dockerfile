# NLS Bot image: one image, three roles (web replica, scheduler, Socket Mode), chosen by the command.
#   docker build -t nlsbot .
#   docker run --env-file .env -p 3000:3000 nlsbot serve --no-scheduler   # a web replica
#   docker run --env-file .env nlsbot scheduler                          # exactly one of these
# It listens on PORT (default 3000) when the platform sets one. Its working directory, /app, is the
# nlsbot user's own: the default SQLite file is written there (mount a volume at /app to keep it).
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY bot bot
COPY handlers handlers
COPY models models
COPY jobs jobs
RUN pip install --no-cache-dir --prefix=/install .

FROM python:3.11-slim
RUN useradd --system --uid 10001 --home-dir /app nlsbot && install -d -o nlsbot -g nlsbot -m 0750 /app
COPY --from=build /install /usr/local
WORKDIR /app
USER nlsbot
ENV PYTHONUNBUFFERED=1 NLS_LOG_LEVEL=INFO
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:${PORT:-3000}/healthz').status != 200)"
# uvicorn stops on SIGTERM: in-flight requests finish, then listeners still working after their
# acknowledgement are drained (up to 20 s) and the scheduler stops.
STOPSIGNAL SIGTERM
ENTRYPOINT ["nlsbot"]
CMD ["serve", "--no-scheduler"]
