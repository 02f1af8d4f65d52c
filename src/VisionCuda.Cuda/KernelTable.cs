namespace VisionCuda.Cuda;

/// <summary>Kind of one kernel parameter, as it must appear in the PTX entry (.u64 pointer, .u32/.f32, .u64).</summary>
public enum ArgKind : byte
{
    Ptr,
    I32,
    U32,
    F32,
    I64,
    U64,
}

/// <summary>Every kernel the backend launches. The value indexes <see cref="KernelTable.All"/>.</summary>
public enum K
{
    vc_fill_f32, vc_copy_blocks_f32, vc_permute_f32,
    vc_unary_f32, vc_unary_backward_f32,
    vc_binary_f32, vc_binary_scalar_f32, vc_binary_bcast_f32, vc_axpy_f32,
    vc_reduce_rows_f32, vc_reduce_inner_f32, vc_reduce_partial_f32, vc_reduce_backward_f32,
    vc_gemm_f32, vc_gemm_splitk_reduce_f32,
    vc_im2col_f32, vc_col2im_f32, vc_bias_add_nchw_f32, vc_bias_grad_f32,
    vc_conv2d_fwd_direct_f32, vc_conv2d_bwd_data_direct_f32, vc_conv2d_bwd_weight_direct_f32,
    vc_bn_stats_f32, vc_bn_apply_f32, vc_bn_eval_f32, vc_bn_backward_reduce_f32, vc_bn_backward_dx_f32,
    vc_maxpool2d_fwd_f32, vc_maxpool2d_bwd_f32, vc_avgpool2d_fwd_f32, vc_avgpool2d_bwd_f32,
    vc_upsample_f32, vc_upsample_bwd_f32,
    vc_softmax_rows_f32, vc_softmax_inner_f32, vc_softmax_bwd_rows_f32, vc_softmax_bwd_inner_f32,
    vc_nll_loss_f32, vc_nll_loss_bwd_f32, vc_bce_logits_f32, vc_bce_logits_bwd_f32, vc_one_hot_f32,
    vc_dropout_mask_f32,
    vc_sgd_f32, vc_adam_f32, vc_ema_f32,
    vc_nms_mask_f32, vc_nms_reduce_f32,
    vc_ciou_f32, vc_ciou_bwd_f32, vc_box_iou_matrix_f32,
    vc_dfl_decode_f32, vc_dfl_decode_bwd_f32, vc_dfl_loss_f32, vc_dfl_loss_bwd_f32,
    vc_assigner_metrics_f32,
    vc_augment_batch_u8,
}

/// <summary>One kernel: the kernels/*.cu file (= PTX module) it lives in, its entry name, its parameter kinds.</summary>
public sealed record KernelInfo(K Id, string Module, string Name, ArgKind[] Params);

/// <summary>
/// The single table of kernel signatures. The launcher checks every launch's arguments against it, and the PTX
/// entry-point test checks it against the built PTX, so C# and .cu cannot drift apart silently.
/// Kinds: P pointer, i int, u unsigned, f float, l long long, L unsigned long long.
/// </summary>
public static class KernelTable
{
    public static readonly KernelInfo[] All = Build(
        ("copy", K.vc_fill_f32, "Plf"),
        ("copy", K.vc_copy_blocks_f32, "PlPllli"),
        ("copy", K.vc_permute_f32, "PPliiiiiillllll"),
        ("elementwise_unary", K.vc_unary_f32, "PPliff"),
        ("elementwise_unary", K.vc_unary_backward_f32, "PPPPliff"),
        ("elementwise", K.vc_binary_f32, "PPPli"),
        ("elementwise", K.vc_binary_scalar_f32, "PPPli"),
        ("elementwise", K.vc_binary_bcast_f32, "PPPliiiiiiillllllllllll"),
        ("elementwise", K.vc_axpy_f32, "PPPlf"),
        ("reduce", K.vc_reduce_rows_f32, "PPPliif"),
        ("reduce", K.vc_reduce_inner_f32, "PPPlilif"),
        ("reduce", K.vc_reduce_partial_f32, "PPll"),
        ("reduce", K.vc_reduce_backward_f32, "PPPlilif"),
        ("gemm", K.vc_gemm_f32, "iiiiifPilPilfPil"),
        ("gemm", K.vc_gemm_splitk_reduce_f32, "PPliff"),
        ("conv", K.vc_im2col_f32, "PPiiiiiiiiiiiiiill"),
        ("conv", K.vc_col2im_f32, "PPiiiiiiiiiiiiiill"),
        ("conv", K.vc_bias_add_nchw_f32, "PPlil"),
        ("conv", K.vc_bias_grad_f32, "PPiil"),
        ("conv", K.vc_conv2d_fwd_direct_f32, "PPPPiiiiiiiiiiiiiiii"),
        ("conv", K.vc_conv2d_bwd_data_direct_f32, "PPPiiiiiiiiiiiiiiii"),
        ("conv", K.vc_conv2d_bwd_weight_direct_f32, "PPPiiiiiiiiiiiiiiii"),
        ("batchnorm", K.vc_bn_stats_f32, "PPPPPiilff"),
        ("batchnorm", K.vc_bn_apply_f32, "PPPPPPlil"),
        ("batchnorm", K.vc_bn_eval_f32, "PPPPPPlilf"),
        ("batchnorm", K.vc_bn_backward_reduce_f32, "PPPPPPiil"),
        ("batchnorm", K.vc_bn_backward_dx_f32, "PPPPPPPPlilf"),
        ("pool", K.vc_maxpool2d_fwd_f32, "PPPliiiiiiiiii"),
        ("pool", K.vc_maxpool2d_bwd_f32, "PPPliiiiiiiiii"),
        ("pool", K.vc_avgpool2d_fwd_f32, "PPliiiiiiiiiii"),
        ("pool", K.vc_avgpool2d_bwd_f32, "PPliiiiiiiiiii"),
        ("upsample", K.vc_upsample_f32, "PPliiiiii"),
        ("upsample", K.vc_upsample_bwd_f32, "PPliiiiii"),
        ("softmax", K.vc_softmax_rows_f32, "PPlii"),
        ("softmax", K.vc_softmax_inner_f32, "PPlili"),
        ("softmax", K.vc_softmax_bwd_rows_f32, "PPPlii"),
        ("softmax", K.vc_softmax_bwd_inner_f32, "PPPlili"),
        ("loss", K.vc_nll_loss_f32, "PPPPPlilfi"),
        ("loss", K.vc_nll_loss_bwd_f32, "PPPPlilfi"),
        ("loss", K.vc_bce_logits_f32, "PPPlf"),
        ("loss", K.vc_bce_logits_bwd_f32, "PPPPlf"),
        ("loss", K.vc_one_hot_f32, "PPli"),
        ("random", K.vc_dropout_mask_f32, "PlffLL"),
        ("optim", K.vc_sgd_f32, "PPPlfffii"),
        ("optim", K.vc_adam_f32, "PPPPlfffffiff"),
        ("optim", K.vc_ema_f32, "PPlf"),
        ("nms", K.vc_nms_mask_f32, "PPiifP"),
        ("nms", K.vc_nms_reduce_f32, "PiiiPP"),
        ("box_iou", K.vc_ciou_f32, "PPPllf"),
        ("box_iou", K.vc_ciou_bwd_f32, "PPPPllf"),
        ("box_iou", K.vc_box_iou_matrix_f32, "PPPii"),
        ("dfl", K.vc_dfl_decode_f32, "PPlil"),
        ("dfl", K.vc_dfl_decode_bwd_f32, "PPPlil"),
        ("dfl", K.vc_dfl_loss_f32, "PPPPlil"),
        ("dfl", K.vc_dfl_loss_bwd_f32, "PPPPPlil"),
        ("assigner", K.vc_assigner_metrics_f32, "PPPPPPPPPiiiifff"),
        ("augment", K.vc_augment_batch_u8, "PPPPiii"));

    public static IEnumerable<string> Modules => All.Select(k => k.Module).Distinct();

    public static int SizeOf(ArgKind k) => k is ArgKind.Ptr or ArgKind.I64 or ArgKind.U64 ? 8 : 4;

    private static KernelInfo[] Build(params (string Module, K Id, string Kinds)[] rows)
    {
        var table = new KernelInfo[Enum.GetValues<K>().Length];
        foreach (var (module, id, kinds) in rows)
        {
            var ps = kinds.Select(c => c switch
            {
                'P' => ArgKind.Ptr,
                'i' => ArgKind.I32,
                'u' => ArgKind.U32,
                'f' => ArgKind.F32,
                'l' => ArgKind.I64,
                'L' => ArgKind.U64,
                _ => throw new InvalidOperationException($"bad kind '{c}' for {id}"),
            }).ToArray();
            table[(int)id] = new KernelInfo(id, module, id.ToString(), ps);
        }
        for (int i = 0; i < table.Length; i++)
            if (table[i] is null) throw new InvalidOperationException($"kernel {(K)i} has no signature");
        return table;
    }
}

/// <summary>A device address passed to a kernel (distinct from a plain 64-bit integer so the kind is checked).</summary>
public readonly record struct DevPtr(ulong Address)
{
    public static readonly DevPtr Null = new(0);

    public DevPtr Offset(long bytes) => new(Address + (ulong)bytes);
}

/// <summary>One kernel argument: the value's bits in 8 bytes plus its kind (checked against <see cref="KernelTable"/>).</summary>
public readonly struct Arg
{
    public readonly ulong Bits;
    public readonly ArgKind Kind;

    private Arg(ulong bits, ArgKind kind)
    {
        Bits = bits;
        Kind = kind;
    }

    public static implicit operator Arg(int v) => new((uint)v, ArgKind.I32);
    public static implicit operator Arg(uint v) => new(v, ArgKind.U32);
    public static implicit operator Arg(float v) => new(BitConverter.SingleToUInt32Bits(v), ArgKind.F32);
    public static implicit operator Arg(long v) => new((ulong)v, ArgKind.I64);
    public static implicit operator Arg(ulong v) => new(v, ArgKind.U64);
    public static implicit operator Arg(DevPtr p) => new(p.Address, ArgKind.Ptr);
    public static implicit operator Arg(bool v) => new(v ? 1u : 0u, ArgKind.I32);
}
