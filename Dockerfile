# Production image: the official Airflow 3.3 image plus this project's pinned runtime
# dependencies (requirements.lock: no test, lint or bench packages; those are in
# requirements-dev.lock, for the development venv).
FROM apache/airflow:3.3.2-python3.11

USER airflow
COPY --chown=airflow:root requirements.lock /opt/project/requirements.lock
RUN pip install --no-cache-dir -r /opt/project/requirements.lock

COPY --chown=airflow:root pyproject.toml README.md /opt/project/
COPY --chown=airflow:root src /opt/project/src
COPY --chown=airflow:root plugins /opt/project/plugins
COPY --chown=airflow:root dags /opt/project/dags
COPY --chown=airflow:root include /opt/project/include
COPY --chown=airflow:root expectations /opt/project/expectations
COPY --chown=airflow:root dbt_project /opt/project/dbt_project
RUN pip install --no-cache-dir --no-deps -e /opt/project

ENV INCUBATION_HOME=/data \
    AIRFLOW__CORE__DAGS_FOLDER=/opt/project/dags \
    AIRFLOW__CORE__PLUGINS_FOLDER=/opt/project/plugins \
    AIRFLOW__CORE__LOAD_EXAMPLES=False \
    AIRFLOW__CORE__DEFAULT_TIMEZONE=Asia/Shanghai \
    AIRFLOW__USAGE_DATA_COLLECTION__ENABLED=False \
    SCARF_ANALYTICS=false \
    GX_ANALYTICS_ENABLED=false \
    DO_NOT_TRACK=1 \
    DBT_SEND_ANONYMOUS_USAGE_STATS=false
