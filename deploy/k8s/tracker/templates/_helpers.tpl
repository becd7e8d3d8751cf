{{/* Resource names: <release>-<what>, cut to the 63 characters a DNS label allows. */}}
{{- define "tracker.name" -}}
{{- printf "%s-%s" .root.Release.Name .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "tracker.labels" -}}
app.kubernetes.io/name: tracker
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector of one app's pods: stable across upgrades (a Deployment's selector is immutable). */}}
{{- define "tracker.selector" -}}
app.kubernetes.io/name: tracker
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .app }}
{{- end -}}

{{- define "tracker.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* The Secret holding the apps' sensitive settings. */}}
{{- define "tracker.secretName" -}}
{{- default (include "tracker.name" (dict "root" . "name" "secrets")) .Values.secrets.existingSecret -}}
{{- end -}}

{{- define "tracker.kafkaBrokers" -}}
{{- if .Values.kafka.strimzi.enabled -}}
{{- printf "%s:9092" (include "tracker.name" (dict "root" . "name" "kafka-kafka-bootstrap")) -}}
{{- else -}}
{{- .Values.kafka.brokers -}}
{{- end -}}
{{- end -}}

{{/* The Secret the MongoDB operator writes the user's connection string into. */}}
{{- define "tracker.mongoConnectionSecret" -}}
{{- include "tracker.name" (dict "root" . "name" "mongodb-connection") -}}
{{- end -}}
