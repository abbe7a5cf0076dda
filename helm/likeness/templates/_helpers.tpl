{{/* Names ------------------------------------------------------------------------------------------------ */}}

{{- define "likeness.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "likeness.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Name of one service's resources: dict "root" $ "service" "trainer" */}}
{{- define "likeness.serviceName" -}}
{{- printf "%s-%s" (include "likeness.fullname" .root) .service | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "likeness.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "likeness.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Labels ----------------------------------------------------------------------------------------------- */}}

{{- define "likeness.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "likeness.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: likeness
{{- end -}}

{{/* dict "root" $ "service" "trainer" */}}
{{- define "likeness.selectorLabels" -}}
app.kubernetes.io/name: {{ include "likeness.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .service }}
{{- end -}}

{{- define "likeness.serviceLabels" -}}
{{ include "likeness.labels" .root }}
app.kubernetes.io/component: {{ .service }}
{{- end -}}

{{/* Service facts: what each service consumes. These match the services' own configuration; they are not values. */}}
{{- define "likeness.inputTopic" -}}
{{- $topics := dict "prior-generator" "likeness.stage.prior" "trainer" "likeness.stage.train" "evaluator" "likeness.stage.evaluate" "renderer" "likeness.render" -}}
{{- required (printf "unknown service %q: services are prior-generator, trainer, evaluator, renderer" .) (get $topics .) -}}
{{- end -}}

{{- define "likeness.consumerGroup" -}}
{{- printf "likeness-%s" . -}}
{{- end -}}

{{/* Key of the input topic in kafka.topics.partitions */}}
{{- define "likeness.partitionsKey" -}}
{{- $keys := dict "prior-generator" "stagePrior" "trainer" "stageTrain" "evaluator" "stageEvaluate" "renderer" "render" -}}
{{- get $keys . -}}
{{- end -}}

{{/* Image of one service: dict "root" $ "service" "trainer" "svc" $svc */}}
{{- define "likeness.image" -}}
{{- if .svc.image -}}
{{- .svc.image -}}
{{- else -}}
{{- $tag := default .root.Chart.AppVersion .root.Values.image.tag -}}
{{- printf "%s/%s:%s-%s" .root.Values.image.prefix .service $tag .svc.flavor -}}
{{- end -}}
{{- end -}}

{{/* Whether a service asks for a GPU ("true" or ""): dict "svc" $svc */}}
{{- define "likeness.wantsGpu" -}}
{{- $limits := default dict (default dict .svc.resources).limits -}}
{{- if hasKey $limits "nvidia.com/gpu" -}}true{{- end -}}
{{- end -}}

{{/* Connections ------------------------------------------------------------------------------------------ */}}

{{- define "likeness.kafkaClusterName" -}}
{{- printf "%s-kafka" (include "likeness.fullname" .) | trunc 52 | trimSuffix "-" -}}
{{- end -}}

{{- define "likeness.kafkaBootstrap" -}}
{{- if .Values.kafka.strimzi.enabled -}}
{{- printf "%s-kafka-bootstrap.%s.svc:9092" (include "likeness.kafkaClusterName" .) .Release.Namespace -}}
{{- else -}}
{{- required "kafka.bootstrapServers is required unless kafka.strimzi.enabled is true" .Values.kafka.bootstrapServers -}}
{{- end -}}
{{- end -}}

{{- define "likeness.kafkaUsesSasl" -}}
{{- if hasPrefix "SASL_" .Values.kafka.securityProtocol -}}true{{- end -}}
{{- end -}}

{{- define "likeness.kafkaUsesTls" -}}
{{- if or (eq .Values.kafka.securityProtocol "SSL") (eq .Values.kafka.securityProtocol "SASL_SSL") -}}true{{- end -}}
{{- end -}}

{{- define "likeness.minioName" -}}
{{- printf "%s-minio" (include "likeness.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "likeness.s3Endpoint" -}}
{{- if .Values.minio.enabled -}}
{{- printf "http://%s.%s.svc:9000" (include "likeness.minioName" .) .Release.Namespace -}}
{{- else -}}
{{- required "s3.endpoint is required unless minio.enabled is true" .Values.s3.endpoint -}}
{{- end -}}
{{- end -}}

{{- define "likeness.s3SecretName" -}}
{{- required "s3.existingSecret is required: the name of a Secret holding the S3 access and secret key" .Values.s3.existingSecret -}}
{{- end -}}

{{/* Checks that values alone cannot express in the schema ------------------------------------------------ */}}
{{- define "likeness.validate" -}}
{{- $root := . -}}
{{- if and (include "likeness.kafkaUsesSasl" .) (not .Values.kafka.sasl.existingSecret) -}}
{{- fail (printf "kafka.securityProtocol %s needs kafka.sasl.existingSecret (a Secret with the JAAS config)" .Values.kafka.securityProtocol) -}}
{{- end -}}
{{- if and (include "likeness.kafkaUsesSasl" .) (not .Values.kafka.sasl.mechanism) -}}
{{- fail (printf "kafka.securityProtocol %s needs kafka.sasl.mechanism (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)" .Values.kafka.securityProtocol) -}}
{{- end -}}
{{- if and (include "likeness.kafkaUsesTls" .) (not .Values.kafka.tls.existingSecret) -}}
{{- fail (printf "kafka.securityProtocol %s needs kafka.tls.existingSecret (a Secret with the cluster CA truststore)" .Values.kafka.securityProtocol) -}}
{{- end -}}
{{- if and .Values.kafka.topics.create (not .Values.kafka.strimzi.enabled) (not .Values.kafka.topics.strimziCluster) -}}
{{- fail "kafka.topics.create makes Strimzi KafkaTopic resources: enable kafka.strimzi or name kafka.topics.strimziCluster" -}}
{{- end -}}
{{- range $name, $svc := .Values.services -}}
{{- $_ := include "likeness.inputTopic" $name -}}
{{- if $svc.enabled -}}
{{- if and (include "likeness.wantsGpu" (dict "svc" $svc)) (ne $svc.flavor "cuda") -}}
{{- fail (printf "services.%s asks for nvidia.com/gpu but its flavor is %q: set services.%s.flavor=cuda" $name $svc.flavor $name) -}}
{{- end -}}
{{- $partitions := int (get $root.Values.kafka.topics.partitions (include "likeness.partitionsKey" $name)) -}}
{{- $max := int (ternary $svc.autoscaling.maxReplicas $svc.replicas $svc.autoscaling.enabled) -}}
{{- if gt $max $partitions -}}
{{- fail (printf "services.%s may run %d replicas but its input topic %s has %d partitions: extra consumers would sit idle. Lower the replicas or raise kafka.topics.partitions.%s" $name $max (include "likeness.inputTopic" $name) $partitions (include "likeness.partitionsKey" $name)) -}}
{{- end -}}
{{- if and $svc.autoscaling.enabled (gt (int $svc.autoscaling.minReplicas) (int $svc.autoscaling.maxReplicas)) -}}
{{- fail (printf "services.%s.autoscaling.minReplicas (%d) exceeds maxReplicas (%d)" $name (int $svc.autoscaling.minReplicas) (int $svc.autoscaling.maxReplicas)) -}}
{{- end -}}
{{- if and (eq $svc.modelCache.type "persistentVolumeClaim") (gt $max 1) (not (has "ReadWriteMany" $svc.modelCache.accessModes)) -}}
{{- fail (printf "services.%s shares one model-cache PVC between up to %d replicas: use accessModes [ReadWriteMany] or modelCache.type ephemeral" $name $max) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
