package io.snapseal.stack.elasticsearch;

import java.util.List;

import org.elasticsearch.Build;
import org.elasticsearch.action.admin.cluster.state.ClusterStateRequest;
import org.elasticsearch.action.admin.cluster.state.ClusterStateResponse;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.RestResponse;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.rest.RestUtils;
import org.elasticsearch.rest.action.RestBuilderListener;
import org.elasticsearch.xcontent.XContentBuilder;

/**
 * {@code GET /} as the default distribution's rest-root module answers it: node name, cluster name and uuid,
 * and the version block (number, build flavor/type/hash/date, Lucene, compatibility versions). It reads the
 * cluster state through the node client, so the caller needs the {@code monitor} cluster privilege, as for the
 * real {@code cluster:monitor/main} action.
 */
final class RootInfoHandler extends BaseRestHandler {

    private final String nodeName;

    RootInfoHandler(String nodeName) {
        this.nodeName = nodeName;
    }

    @Override
    public String getName() {
        return "snapseal_stack_root_info";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(RestRequest.Method.GET, "/"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        ClusterStateRequest state = new ClusterStateRequest(RestUtils.getMasterNodeTimeout(request)).clear().metadata(true);
        return channel -> client.admin().cluster().state(state, new RestBuilderListener<ClusterStateResponse>(channel) {
            @Override
            public RestResponse buildResponse(ClusterStateResponse response, XContentBuilder builder) throws Exception {
                Build build = Build.current();
                builder.startObject()
                        .field("name", nodeName)
                        .field("cluster_name", response.getClusterName().value())
                        .field("cluster_uuid", response.getState().metadata().clusterUUID())
                        .startObject("version")
                        .field("number", build.qualifiedVersion())
                        .field("build_flavor", build.flavor())
                        .field("build_type", build.type().displayName())
                        .field("build_hash", build.hash())
                        .field("build_date", build.date())
                        .field("build_snapshot", build.isSnapshot())
                        .field("lucene_version", org.apache.lucene.util.Version.LATEST.toString())
                        .field("minimum_wire_compatibility_version", build.minWireCompatVersion())
                        .field("minimum_index_compatibility_version", build.minIndexCompatVersion())
                        .endObject()
                        .field("tagline", "You Know, for Search")
                        .endObject();
                return new RestResponse(RestStatus.OK, builder);
            }
        });
    }
}
