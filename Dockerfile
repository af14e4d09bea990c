# The hotline image: one image, every role (`hotline serve`, `hotline worker`, …).
# Not built or pulled on the development machines (no registry access there); see
# docs/deployment.md.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 HOTLINE_VAR_DIR=/var/lib/hotline
RUN apt-get update && apt-get install -y --no-install-recommends espeak-ng \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/hotline --create-home hotline
WORKDIR /app
COPY . /app
RUN pip install --no-cache-dir . \
    && pybabel compile -d content -D messages \
    && hotline nlu train --engine embedded
USER hotline
EXPOSE 8080
CMD ["hotline", "serve", "--host", "0.0.0.0", "--port", "8080"]
